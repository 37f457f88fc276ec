#pragma once
// A scenario with every open knob drawn for one seed (swarm testing, anchor:
// tigerbeetle's vopr.zig): the concrete cluster, links, disks, clocks and the
// full fault schedule (explicit entries plus generated ones). Everything a
// run needs and nothing it may still choose.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/network.hpp"
#include "sim/scenario.hpp"

namespace sim {

struct run_config {
  std::uint64_t seed = 0;
  std::uint32_t servers = 0;
  std::uint32_t clients = 0;
  std::vector<link_options> links;  // (servers + clients)^2, row = sender
  fsync_policy fsync = fsync_policy::everysec;
  range<time_ns> fsync_delay_ns;
  time_ns flush_interval_ns = 0;
  std::vector<std::int64_t> drift_ppm;  // one per server
  // Explicit and generated faults, ordered by time (stable: explicit first).
  std::vector<fault_spec> faults;
  std::vector<trigger_spec> triggers;  // each firing appends a fault to the world's schedule
  time_ns duration_ns = 0;
  std::uint64_t check_every_events = 1;
  time_ns liveness_bound_ns = 0;
  std::optional<std::vector<std::string>> checker_names;  // nullopt: all of the protocol's

  std::uint32_t process_count() const { return servers + clients; }
  std::string process_name(std::uint32_t process) const;
  // "n3" or "c1" to a process id; -1 if it names no process of this run.
  std::int64_t process_by_name(const std::string& name) const;
};

run_config resolve_run_config(const scenario& input, std::uint64_t seed);

// The generated part of the schedule alone, for tests and `shrink`.
std::vector<fault_spec> generate_swarm_faults(const swarm_spec& swarm, std::uint32_t servers,
                                              time_ns duration_ns, std::uint64_t seed);

}  // namespace sim
