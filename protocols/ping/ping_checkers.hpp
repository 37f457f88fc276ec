#pragma once
// The example protocol's checkers, one of each kind the framework has.

#include <memory>
#include <vector>

#include "sim/checker.hpp"
#include "sim/system.hpp"

namespace protocols::ping {

std::vector<sim::checker_description> ping_checker_descriptions();
std::vector<std::unique_ptr<sim::checker>> make_ping_checkers(const sim::cluster_shape& shape);

}  // namespace protocols::ping
