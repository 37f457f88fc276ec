#pragma once
// The seed's latency table for the lock manager: p50 and p99 of each client
// operation, from the run's client history, beside the ranges the seed
// expects (INVARIANTS.md, last section), saying which fall outside.

#include <string>

#include "sim/world.hpp"

namespace protocols::lock {

std::string latency_report(const sim::world& state);

}  // namespace protocols::lock
