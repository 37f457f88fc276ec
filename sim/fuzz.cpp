#include "sim/fuzz.hpp"

#include <exception>
#include <mutex>
#include <thread>

#include "sim/assert.hpp"
#include "sim/hash.hpp"
#include "sim/run_config.hpp"

namespace sim {

std::uint64_t first_seed_of_shard(std::uint64_t start_seed, std::uint64_t shard_index, std::uint64_t shard_count) {
  SYNCSIM_ASSERT(shard_count > 0);
  SYNCSIM_ASSERT(shard_index < shard_count);
  const std::uint64_t offset = (shard_index + shard_count - start_seed % shard_count) % shard_count;
  return start_seed + offset;
}

bool self_check_picks(std::uint64_t seed, ratio share) {
  if (share.numerator == 0) return false;
  SYNCSIM_ASSERT(share.denominator > 0);
  // A hash rather than seed mod d, so that the picked seeds do not line up
  // with the shards.
  return mix64(seed ^ 0x5e1fc4ec5e1fc4ecULL) % share.denominator < share.numerator;
}

seed_outcome run_one_seed(const fuzz_target& target, std::size_t target_index, std::uint64_t seed,
                          bool self_check) {
  seed_outcome outcome;
  outcome.target = target_index;
  outcome.seed = seed;
  try {
    simulation first(resolve_run_config(target.input, seed), target.behaviour);
    outcome.result = first.run();
  } catch (const std::exception& error) {
    // Assertions inside a run are violations already; anything else escaping
    // a run is still this seed's failure, not the sweep's end.
    outcome.result.failure = violation{"internal", error.what(), 0, 0};
    outcome.verdict = seed_verdict::violation;
    return outcome;
  }
  outcome.verdict = outcome.result.passed() ? seed_verdict::pass : seed_verdict::violation;
  if (!self_check) return outcome;
  // The second run starts from nothing again: the scenario is resolved anew
  // and the world built anew, so any state leaking between runs shows.
  simulation second(resolve_run_config(target.input, seed), target.behaviour);
  const run_result again = second.run();
  outcome.self_checked = true;
  outcome.second_trace_hash = again.trace_hash;
  if (again.trace_hash != outcome.result.trace_hash || again.events != outcome.result.events) {
    outcome.verdict = seed_verdict::nondeterministic;
  }
  return outcome;
}

namespace {

// Hands out (seed, target) pairs in order: all targets of one seed, then the
// shard's next seed.
class work_source {
 public:
  explicit work_source(const fuzz_plan& plan)
      : plan_(plan), next_seed_(first_seed_of_shard(plan.start_seed, plan.shard_index, plan.shard_count)) {}

  bool next(std::uint64_t& seed, std::size_t& target) {
    if (plan_.seed_count && next_seed_ >= plan_.start_seed + *plan_.seed_count) return false;
    if (next_seed_ < plan_.start_seed) return false;  // wrapped past 2^64
    seed = next_seed_;
    target = next_target_++;
    if (next_target_ == plan_.targets.size()) {
      next_target_ = 0;
      next_seed_ += plan_.shard_count;
    }
    return true;
  }

 private:
  const fuzz_plan& plan_;
  std::uint64_t next_seed_;
  std::size_t next_target_ = 0;
};

}  // namespace

std::uint64_t run_fuzz(const fuzz_plan& plan, const std::function<bool()>& keep_going,
                       const std::function<void(const seed_outcome&)>& on_outcome) {
  SYNCSIM_ASSERT(!plan.targets.empty());
  SYNCSIM_ASSERT(plan.jobs >= 1);
  std::mutex lock;
  work_source source(plan);
  bool stopping = false;
  std::uint64_t finished = 0;
  const auto worker = [&] {
    for (;;) {
      std::uint64_t seed = 0;
      std::size_t target = 0;
      {
        const std::lock_guard<std::mutex> guard(lock);
        if (stopping || !keep_going() || !source.next(seed, target)) return;
      }
      const seed_outcome outcome =
          run_one_seed(plan.targets[target], target, seed, self_check_picks(seed, plan.self_check));
      const std::lock_guard<std::mutex> guard(lock);
      finished++;
      on_outcome(outcome);
      if (plan.stop_on_failure && outcome.verdict != seed_verdict::pass) stopping = true;
    }
  };
  std::vector<std::thread> workers;
  for (std::uint32_t job = 1; job < plan.jobs; ++job) workers.emplace_back(worker);
  worker();
  for (std::thread& thread : workers) thread.join();
  return finished;
}

}  // namespace sim
