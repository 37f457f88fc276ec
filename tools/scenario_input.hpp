#pragma once
// Loading a scenario for a command: a file, or the built-in default.

#include <string>

#include "sim/scenario.hpp"

namespace tools {

// Throws sim::scenario_error.
sim::scenario load_scenario_or_default(const std::string& path);
// Turns on the bug switches given with --bug (each once). Throws
// sim::scenario_error naming the flag for a switch the scenario's protocol
// does not have.
void add_bug_switches(sim::scenario& input, const std::vector<std::string>& bugs);
// The command line that reruns this scenario with this seed.
std::string replay_command(const sim::scenario& input, std::uint64_t seed,
                           const std::vector<std::string>& extra_bugs);

}  // namespace tools
