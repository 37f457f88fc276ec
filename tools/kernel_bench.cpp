#include "tools/kernel_bench.hpp"

#include <chrono>

#include "protocols/registry.hpp"
#include "sim/simulation.hpp"

namespace tools {

kernel_bench_result run_kernel_bench(std::uint64_t events) {
  sim::scenario input;
  input.name = "kernel-bench";
  input.source_file = "<bench>";
  input.protocol = "bench";
  input.protocol_options_json = R"({"messages_per_server":100,"timers_per_server":100,"timer_period":"10ms"})";
  input.cluster.servers = sim::range<std::uint32_t>::exactly(50);
  input.cluster.clients = sim::range<std::uint32_t>::exactly(0);
  input.duration_ns = 3600 * sim::second;
  input.checkers.only = std::vector<std::string>{};
  sim::simulation run(sim::resolve_run_config(input, 1), protocols::configure_system(input));
  // Warm up: boot, fill the queues, grow every buffer to its steady size.
  for (int step = 0; step < 200'000; ++step) run.step();
  kernel_bench_result result;
  result.pending_events = run.state().pending_events();
  // Timing belongs to the tool, never to the simulation.
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t step = 0; step < events; ++step) run.step();
  const auto stop = std::chrono::steady_clock::now();
  result.events = events;
  result.seconds = std::chrono::duration<double>(stop - start).count();
  result.events_per_second = static_cast<double>(events) / result.seconds;
  result.trace_hash = run.trace_hash();
  return result;
}

raft_bench_result run_raft_bench(std::uint64_t events) {
  sim::scenario input;
  input.name = "raft-bench";
  input.source_file = "<bench>";
  input.protocol = "raft";
  input.workload_json = R"({"keys":5,"request_interval":"5ms"})";
  input.cluster.servers = sim::range<std::uint32_t>::exactly(5);
  input.cluster.clients = sim::range<std::uint32_t>::exactly(4);
  input.duration_ns = 3600 * sim::second;
  sim::simulation run(sim::resolve_run_config(input, 1), protocols::configure_system(input));
  for (int step = 0; step < 20'000; ++step) run.step();  // elect a leader, warm up
  const sim::time_ns simulated_start = run.state().now();
  const auto start = std::chrono::steady_clock::now();
  for (std::uint64_t step = 0; step < events; ++step) run.step();
  const auto stop = std::chrono::steady_clock::now();
  raft_bench_result result;
  result.events = events;
  result.seconds = std::chrono::duration<double>(stop - start).count();
  result.events_per_second = static_cast<double>(events) / result.seconds;
  result.simulated_seconds_per_wall_second =
      static_cast<double>(run.state().now() - simulated_start) / static_cast<double>(sim::second) / result.seconds;
  return result;
}

}  // namespace tools
