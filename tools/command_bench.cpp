// `syncsim bench`: speed figures, as text or as one JSON object.
#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"
#include "tools/kernel_bench.hpp"

namespace tools {
namespace {

struct bench_options {
  bool json = false;
  std::uint64_t events = 5'000'000;
};

int bench(const bench_options& options) {
  const kernel_bench_result kernel = run_kernel_bench(options.events);
  const raft_bench_result raft = run_raft_bench(options.events / 5);
  if (options.json) {
    nlohmann::ordered_json output;
    output["kernel_events_per_second"] = static_cast<std::uint64_t>(kernel.events_per_second);
    output["kernel_events"] = kernel.events;
    output["kernel_pending_events"] = kernel.pending_events;
    output["kernel_seconds"] = kernel.seconds;
    output["raft_events_per_second"] = static_cast<std::uint64_t>(raft.events_per_second);
    output["raft_sim_seconds_per_wall_second"] = raft.simulated_seconds_per_wall_second;
    output["raft_events"] = raft.events;
    std::cout << output.dump(2) << "\n";
  } else {
    std::cout << "kernel: " << static_cast<std::uint64_t>(kernel.events_per_second) << " events/s ("
              << kernel.events << " events in " << kernel.seconds << " s, " << kernel.pending_events
              << " pending)\n"
              << "raft:   " << static_cast<std::uint64_t>(raft.events_per_second) << " events/s, "
              << raft.simulated_seconds_per_wall_second << " simulated seconds per second (5 servers, 4 clients, "
              << "every checker on)\n";
  }
  return exit_pass;
}

}  // namespace

void add_bench_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<bench_options>();
  CLI::App* command = app.add_subcommand("bench", "Measure the simulator's speed");
  command->add_flag("--json", options->json, "Print the figures as one JSON object");
  command->add_option("--events", options->events, "Events to time per measurement")
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{1'000'000'000}));
  command->footer(exit_codes_help);
  command->callback([options, &exit_code] { exit_code = bench(*options); });
}

}  // namespace tools
