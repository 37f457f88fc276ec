#pragma once
// The lock manager's checkers (INVARIANTS.md, lock manager).

#include <memory>
#include <vector>

#include "sim/checker.hpp"
#include "sim/system.hpp"

namespace protocols::lock {

std::vector<sim::checker_description> lock_checker_descriptions();
// `deadlock_bound_ns`: how long a cycle may last on the leader's table;
// `leases`: whether holders have leases (which expire unobserved).
std::vector<std::unique_ptr<sim::checker>> make_lock_checkers(const sim::cluster_shape& shape,
                                                             sim::time_ns deadlock_bound_ns, bool leases);

}  // namespace protocols::lock
