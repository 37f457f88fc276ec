// `syncsim check-history FILE --model register|kv`: is a recorded client
// history linearizable? Reads Jepsen's etcd logs and EDN key-value histories.
#include <CLI/CLI.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"
#include "traces/history_file.hpp"
#include "traces/jepsen_history.hpp"

namespace tools {
namespace {

struct check_history_options {
  std::vector<std::string> paths;
  std::string model = "register";
  std::uint64_t budget = sim::linearizability::default_state_budget;
  bool json = false;
};

// syncsim's own history files are JSON objects; Jepsen's are log lines or
// EDN maps ("{:process ...").
bool is_syncsim_history(const std::string& path) {
  std::ifstream input(path);
  std::string first;
  std::getline(input, first);
  return first.rfind("{\"", 0) == 0;
}

int check_one(const std::string& path, const check_history_options& options, nlohmann::json& report) {
  std::vector<sim::linearizability::operation> history;
  try {
    history = is_syncsim_history(path) ? traces::read_history_file(path) : traces::read_jepsen_history(path);
  } catch (const traces::history_error& error) {
    std::cerr << "syncsim check-history: " << error.what() << "\n";
    return exit_usage;
  }
  const auto& specification =
      options.model == "kv" ? sim::linearizability::key_value_model() : sim::linearizability::register_model();
  // Timing is the tool's, reported to the user; it never decides a verdict.
  const auto start = std::chrono::steady_clock::now();
  const sim::linearizability::verdict verdict = sim::linearizability::check(history, specification, options.budget);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string outcome = verdict.exhausted ? "undecided" : verdict.linearizable ? "linearizable" : "not-linearizable";
  if (options.json) {
    report.push_back({{"file", path}, {"verdict", outcome}, {"operations", verdict.operations},
                      {"keys", verdict.partitions}, {"states_explored", verdict.states_explored},
                      {"seconds", seconds}, {"key", verdict.key}});
  } else {
    std::cout << path << ": " << outcome;
    if (!verdict.linearizable || verdict.exhausted) std::cout << " (key \"" << verdict.key << "\")";
    std::cout << ", " << verdict.operations << " operations, " << verdict.partitions << " keys, "
              << verdict.states_explored << " search steps, " << seconds << " s\n";
  }
  if (verdict.exhausted) {
    std::cerr << "syncsim check-history: " << path << ": the search budget of " << options.budget
              << " steps ran out; raise --budget\n";
    return exit_usage;
  }
  return verdict.linearizable ? exit_pass : exit_violation;
}

int check_histories(const check_history_options& options) {
  int result = exit_pass;
  nlohmann::json report = nlohmann::json::array();
  for (const std::string& path : options.paths) {
    const int code = check_one(path, options, report);
    if (code == exit_usage || result == exit_pass) result = code;
  }
  if (options.json) std::cout << report.dump(2) << "\n";
  return result;
}

}  // namespace

void add_check_history_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<check_history_options>();
  CLI::App* command = app.add_subcommand(
      "check-history", "Check that client histories are linearizable: `syncsim run --history` files, Jepsen etcd logs, EDN key-value histories");
  command->add_option("histories", options->paths, "History files")->required();
  command->add_option("--model", options->model, "The sequential specification: register or kv")
      ->check(CLI::IsMember({"register", "kv"}));
  command->add_option("--budget", options->budget, "Search steps allowed per key before giving up (default " +
                          std::to_string(sim::linearizability::default_state_budget) + ")");
  command->add_flag("--json", options->json, "Print one JSON object per history");
  command->footer(std::string("Exit 0: every history linearizable; 1: one is not.\n") + exit_codes_help);
  command->callback([options, &exit_code] { exit_code = check_histories(*options); });
}

}  // namespace tools
