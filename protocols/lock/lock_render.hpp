#pragma once
// Wait-for graphs of a lock manager run as Graphviz DOT: at a given time,
// or at each deadlock the leader's table goes through. The run is replayed
// from its scenario and seed (runs are deterministic), so a trace's header
// is all that is needed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace protocols::lock {

struct wait_for_picture {
  sim::time_ns time = 0;
  std::string dot;
  bool deadlock = false;
};

// The leader's wait-for graph at `time` (the first event at or after it),
// or at the end of the run if it ends first. Throws sim::scenario_error if
// the scenario is not a lock manager's.
wait_for_picture wait_for_at(const sim::scenario& input, std::uint64_t seed, sim::time_ns time);

// One picture per deadlock: each time the leader's table shows a cycle it
// did not show at the previous change.
std::vector<wait_for_picture> deadlock_pictures(const sim::scenario& input, std::uint64_t seed);

}  // namespace protocols::lock
