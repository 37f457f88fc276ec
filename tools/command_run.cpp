// `syncsim run`: one scenario, one seed, a summary, optionally a trace.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "sim/assert.hpp"
#include "sim/simulation.hpp"
#include "protocols/lock/lock_render.hpp"
#include "protocols/registry.hpp"
#include "tools/commands.hpp"
#include "tools/default_scenario.hpp"
#include "tools/exit_codes.hpp"
#include "tools/render_files.hpp"
#include "tools/scenario_input.hpp"
#include "traces/history_file.hpp"
#include "traces/trace_format.hpp"
#include "traces/trace_writer.hpp"

namespace tools {
namespace {

struct run_options {
  std::string scenario_path;
  std::uint64_t seed = 0;
  bool seed_given = false;
  std::string trace_path;
  std::string history_path;
  bool json = false;
  bool print_default = false;
  std::vector<std::string> bugs;
};

// What this seed drew of the knobs a scenario may leave open: the cluster's
// size and the workload (the network's and the faults' draws are in the
// trace).
struct drawn_run {
  std::uint32_t servers = 0;
  std::uint32_t clients = 0;
  std::string workload_json;
};

drawn_run drawn_of(const sim::scenario& input, const sim::simulation& simulation) {
  const sim::run_config& config = simulation.state().config();
  const sim::system_definition* family = protocols::find_system_definition(input.protocol);
  SYNCSIM_ASSERT(family != nullptr);
  return {config.servers, config.clients, family->explicit_workload(input, config.seed)};
}

nlohmann::ordered_json summary_json(const sim::scenario& input, std::uint64_t seed, const drawn_run& drawn,
                                    const sim::run_result& result, const std::string& replay) {
  nlohmann::ordered_json summary;
  summary["scenario"] = input.name.empty() ? input.source_file : input.name;
  summary["seed"] = seed;
  summary["servers"] = drawn.servers;
  summary["clients"] = drawn.clients;
  summary["workload"] = nlohmann::ordered_json::parse(drawn.workload_json);
  summary["result"] = result.passed() ? "pass" : "violation";
  summary["simulated_ns"] = result.simulated_ns;
  summary["events"] = result.events;
  summary["messages"] = {{"sent", result.network.sent},
                         {"delivered", result.network.delivered},
                         {"dropped", result.network.dropped},
                         {"dropped_partition", result.network.dropped_partition},
                         {"dropped_crash", result.network.dropped_crash},
                         {"duplicated", result.network.duplicated},
                         {"reordered", result.network.reordered},
                         {"corrupted", result.network.corrupted}};
  summary["faults_injected"] = result.world.faults_injected;
  summary["crashes"] = result.world.crashes;
  summary["restarts"] = result.world.restarts;
  summary["disk_writes_lost"] = result.disk_writes_lost;
  summary["checkers"] = result.checkers;
  summary["checks"] = result.checks;
  summary["trace_hash"] = traces::hex64(result.trace_hash);
  if (result.failure) {
    summary["violation"] = {{"checker", result.failure->checker},
                            {"message", result.failure->message},
                            {"event", result.failure->event_index},
                            {"time_ns", result.failure->time}};
    summary["replay"] = replay;
  }
  return summary;
}

// "20.104s": simulated time to the millisecond.
std::string seconds_text(sim::time_ns duration) {
  const sim::time_ns milliseconds = duration / sim::millisecond;
  std::string fraction = std::to_string(milliseconds % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::to_string(milliseconds / 1000) + "." + fraction + "s";
}

// The workload on one line: the canonical text without its newlines.
std::string one_line(const std::string& json_text) { return nlohmann::json::parse(json_text).dump(); }

void print_summary(const sim::scenario& input, std::uint64_t seed, const drawn_run& drawn,
                   const sim::run_result& result, const std::string& replay) {
  const sim::network_statistics& network = result.network;
  std::cout << "scenario         " << (input.name.empty() ? input.source_file : input.name) << " ("
            << input.protocol << ")\n"
            << "seed             " << seed << "\n"
            << "cluster          " << drawn.servers << " servers, " << drawn.clients << " clients\n"
            << "workload         " << one_line(drawn.workload_json) << "\n"
            << "simulated time   " << seconds_text(result.simulated_ns) << "\n"
            << "events           " << result.events << "\n"
            << "messages         sent " << network.sent << ", delivered " << network.delivered << ", dropped "
            << network.dropped << " (+" << network.dropped_partition << " by partitions, " << network.dropped_crash
            << " by crashes), duplicated " << network.duplicated << ", reordered " << network.reordered
            << ", corrupted " << network.corrupted << "\n"
            << "faults injected  " << result.world.faults_injected << " (crashes " << result.world.crashes
            << ", restarts " << result.world.restarts << ", unsynced writes lost " << result.disk_writes_lost << ")\n"
            << "checkers         ";
  for (std::size_t index = 0; index < result.checkers.size(); ++index) {
    std::cout << (index ? ", " : "") << result.checkers[index];
  }
  std::cout << " (" << result.checks << " checks)\n";
  if (result.failure) {
    std::cout << "result           VIOLATION of " << result.failure->checker << " at event "
              << result.failure->event_index << " (t=" << seconds_text(result.failure->time) << ")\n"
              << "                 " << result.failure->message << "\n"
              << "replay with      " << replay << "\n";
  } else {
    std::cout << "result           pass\n";
  }
  std::cout << "trace hash       " << traces::hex64(result.trace_hash) << "\n";
}

// A lock manager run with a trace gets the wait-for graph of each deadlock
// beside it, as DOT (`syncsim render dot` makes pictures of them).
void write_deadlock_pictures(const sim::scenario& input, std::uint64_t seed, const std::string& trace_path, bool quiet) {
  const auto pictures = protocols::lock::deadlock_pictures(input, seed);
  for (std::size_t index = 0; index < pictures.size(); ++index) {
    std::string problem;
    const std::string path = picture_path(trace_path, "deadlock-" + std::to_string(index + 1), "dot");
    if (!write_picture(pictures[index].dot, path, "dot", problem)) std::cerr << "syncsim run: " << problem << "\n";
  }
  if (!quiet && !pictures.empty()) {
    std::cout << "deadlocks        " << pictures.size() << ", each drawn in "
              << picture_path(trace_path, "deadlock-N", "dot") << "\n";
  }
}

int run(const run_options& options) {
  if (options.print_default) {
    std::cout << sim::scenario_to_json(sim::parse_scenario(default_scenario_text(), default_scenario_name));
    return exit_pass;
  }
  sim::scenario input;
  std::shared_ptr<const sim::system> behaviour;
  try {
    input = load_scenario_or_default(options.scenario_path);
    add_bug_switches(input, options.bugs);
    behaviour = protocols::configure_system(input);
  } catch (const sim::scenario_error& error) {
    std::cerr << "syncsim run: " << error.what() << "\n";
    return exit_usage;
  }
  std::uint64_t seed = options.seed;
  if (!options.seed_given && input.seed) {
    seed = *input.seed;
  } else if (!options.seed_given) {
    // Outside the simulation: choosing a fresh seed is the one place where
    // true randomness belongs.
    std::random_device entropy;
    seed = (static_cast<std::uint64_t>(entropy()) << 32) ^ entropy();
    if (!options.json) std::cout << "no --seed given; using seed " << seed << "\n";
  }
  sim::simulation simulation(sim::resolve_run_config(input, seed), behaviour);
  std::unique_ptr<traces::trace_writer> writer;
  if (!options.trace_path.empty()) {
    try {
      writer = std::make_unique<traces::trace_writer>(options.trace_path, input, seed);
    } catch (const std::runtime_error& error) {
      std::cerr << "syncsim run: " << error.what() << "\n";
      return exit_usage;
    }
    simulation.set_observer(writer.get());
  }
  const sim::run_result result = simulation.run();
  if (writer) writer->finish(result);
  if (!options.history_path.empty()) {
    try {
      traces::write_history(options.history_path, simulation.state());
    } catch (const std::runtime_error& error) {
      std::cerr << "syncsim run: " << error.what() << "\n";
      return exit_usage;
    }
  }
  const std::string replay = replay_command(input, seed, options.bugs);
  const drawn_run drawn = drawn_of(input, simulation);
  if (options.json) {
    nlohmann::ordered_json summary = summary_json(input, seed, drawn, result, replay);
    const std::string report = behaviour->report(simulation.state());
    if (!report.empty()) summary["report"] = report;
    std::cout << summary.dump(2) << "\n";
  } else {
    print_summary(input, seed, drawn, result, replay);
    std::cout << behaviour->report(simulation.state());
  }
  if (writer && input.protocol == "lock") write_deadlock_pictures(input, seed, options.trace_path, options.json);
  return result.passed() ? exit_pass : exit_violation;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<run_options>();
  CLI::App* command = app.add_subcommand("run", "Run one scenario with one seed and print a summary");
  command->add_option("scenario", options->scenario_path, "Scenario file (default: the built-in scenario)");
  command->add_option("--seed", options->seed, "The seed (default: the scenario's \"seed\", or a fresh one, printed)")
      ->each([options](const std::string&) { options->seed_given = true; });
  command->add_option("--trace", options->trace_path, "Write the trace (JSON Lines) to this file");
  command->add_option("--history", options->history_path,
                      "Write the client history (invoke, ok, fail, info; JSON Lines) to this file");
  command->add_flag("--json", options->json, "Print the summary as one JSON object");
  command->add_flag("--print-default", options->print_default, "Print the built-in scenario and exit");
  command->add_option("--bug", options->bugs, "Turn on a bug switch (repeatable; see `syncsim list bugs`)")
      ->allow_extra_args(false);
  command->footer(exit_codes_help);
  command->callback([options, &exit_code] { exit_code = run(*options); });
}

}  // namespace tools
