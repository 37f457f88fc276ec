#pragma once
// The shrinker wired to the protocol families: how a candidate scenario is
// run, and a whole shrink of one failing (scenario, seed).

#include <cstdint>

#include "sim/scenario.hpp"
#include "sim/shrink.hpp"

namespace tools {

// Runs the candidate with its own seed; invalid if its family rejects it.
sim::shrink_trial run_shrink_candidate(const sim::scenario& candidate);
// The input must fail with this seed.
sim::shrink_outcome shrink_failing_run(const sim::scenario& input, std::uint64_t seed, const sim::shrink_limits& limits);

}  // namespace tools
