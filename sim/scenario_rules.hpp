#pragma once
// The fault section of a scenario, and the rules that need more than one
// field to check (targets that exist, the order of losses and restarts).

#include "sim/json_walker.hpp"
#include "sim/scenario.hpp"

namespace sim {

void parse_faults(json_object& section, scenario& result);
// Throws scenario_error with the pointer of the first offending value.
void check_scenario_rules(const scenario& input);

}  // namespace sim
