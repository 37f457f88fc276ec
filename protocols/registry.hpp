#pragma once
// Every protocol family syncsim knows, and the one way a scenario becomes a
// configured system: its protocol name, bug switches and checker selection
// are checked against the family before the family parses its options.

#include <memory>
#include <string>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/system.hpp"

namespace protocols {

const std::vector<const sim::system_definition*>& system_definitions();
const sim::system_definition* find_system_definition(const std::string& name);
// Throws sim::scenario_error naming the file and the JSON pointer.
std::shared_ptr<const sim::system> configure_system(const sim::scenario& input);

}  // namespace protocols
