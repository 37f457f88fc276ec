// `syncsim replay TRACE`: re-run what a trace's header describes and compare.
#include <CLI/CLI.hpp>
#include <iostream>

#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"
#include "traces/replay.hpp"

namespace tools {
namespace {

int replay(const std::string& path) {
  traces::replay_outcome outcome;
  try {
    outcome = traces::replay_trace(path);
  } catch (const traces::trace_error& error) {
    std::cerr << "syncsim replay: " << error.what() << "\n";
    return exit_usage;
  }
  if (!outcome.revision_warning.empty()) std::cerr << "syncsim replay: warning: " << outcome.revision_warning << "\n";
  if (outcome.identical) {
    std::cout << "identical (" << outcome.result.events << " events, result "
              << (outcome.result.passed() ? "pass" : "violation of " + outcome.result.failure->checker) << ")\n";
    return exit_pass;
  }
  std::cout << "diverged at " << path << ":" << outcome.line << "\n"
            << "  expected: " << outcome.expected << "\n"
            << "  actual:   " << outcome.actual << "\n";
  return exit_replay_diverged;
}

}  // namespace

void add_replay_command(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "replay", "Re-run a trace's scenario and seed; print `identical` or the first divergent event");
  command->add_option("trace", *path, "Trace file (.jsonl) written by `syncsim run --trace`")->required();
  command->footer(exit_codes_help);
  command->callback([path, &exit_code] { exit_code = replay(*path); });
}

}  // namespace tools
