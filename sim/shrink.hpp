#pragma once
// Shrinking a failing run to a small scenario that still fails the same way.
// First the run is made explicit: every knob the seed drew is written down
// and the swarm's generated faults become schedule entries. Then, while the
// same checker still fails, faults and triggers are dropped, the run is cut
// just after the failure, clients and servers are removed, the network is
// made kinder and the protocol's workload smaller. PRNG streams split by
// purpose are what make this work: without a fault, the network still draws
// the same delays.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/checker.hpp"
#include "sim/scenario.hpp"
#include "sim/system.hpp"

namespace sim {

// One run of a candidate scenario, as the shrinker needs to know it.
struct shrink_trial {
  bool valid = true;  // false: the candidate is not a usable scenario
  std::optional<violation> failure;
  std::uint64_t events = 0;
  std::uint64_t records = 0;
  // The most operations any client invoked, for workload reductions.
  std::uint64_t operations_per_client_max = 0;
  // Every fault the run injected, triggered ones included, by time.
  std::vector<fault_spec> faults_as_run;
};

using shrink_runner = std::function<shrink_trial(const scenario& candidate)>;

// The shrinker makes three greedy descents and keeps the shortest failure:
// the first tries other_seeds / 16 other seeds and reseeds / 4 reseeds, the
// second other_seeds / 4 and reseeds, the third other_seeds and reseeds.
struct shrink_limits {
  std::uint64_t runs_max = 5000;  // per descent
  // Seeds 1..N tried on the reduced scenario in each pass.
  std::uint64_t other_seeds = 256;
  // Seeds 1..N tried on a structural change that passes with the current seed.
  std::uint64_t reseeds = 32;
  friend bool operator==(const shrink_limits&, const shrink_limits&) = default;
};

struct shrink_outcome {
  scenario minimal;
  shrink_trial original;
  shrink_trial final;
  std::uint64_t runs = 0;
  std::vector<std::string> steps;  // what each accepted reduction did
};

// Caps on each client's operations worth trying, smallest first: 1, 2, 4,
// ... below `issued`, then `issued` itself (the failing run, made explicit),
// all below `current_cap` (0: none).
std::vector<std::uint64_t> operation_caps(std::uint64_t issued, std::uint64_t current_cap);

// The scenario with every value this seed drew written down: ranges fixed
// (the family's workload knobs too), the swarm's faults in the schedule, the
// seed named. Runs exactly as the original did.
scenario make_explicit(const scenario& input, std::uint64_t seed, const system_definition& family);

// Shrinks while runner(candidate) fails in `checker`. The input must fail so.
// The family offers its own reductions (simpler workloads, quieter options).
shrink_outcome shrink_scenario(const scenario& input, std::uint64_t seed, const std::string& checker,
                               const shrink_runner& runner, const system_definition& family,
                               const shrink_limits& limits);

}  // namespace sim
