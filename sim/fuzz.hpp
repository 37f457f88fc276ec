#pragma once
// Many seeds of one or more scenarios, `jobs` runs at a time on as many
// threads. Each run is still one thread with its own world; the threads share
// only the configured systems, which are read-only. Seed s belongs to shard
// s mod N, so any job runner can split one sweep over machines and the shards
// together run exactly the seeds of the whole sweep.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "sim/ratio.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/system.hpp"

namespace sim {

struct fuzz_target {
  scenario input;
  std::shared_ptr<const system> behaviour;
};

struct fuzz_plan {
  std::vector<fuzz_target> targets;
  std::uint64_t start_seed = 1;
  // Seeds start_seed .. start_seed + seed_count - 1, before sharding;
  // nullopt: until keep_going says stop.
  std::optional<std::uint64_t> seed_count;
  std::uint32_t jobs = 1;
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  // The share of seeds that run twice and must give the same trace hash.
  ratio self_check = ratio::never();
  bool stop_on_failure = false;
};

enum class seed_verdict : std::uint8_t {
  pass,
  violation,         // a checker failed (or an assertion inside the run)
  nondeterministic,  // the self-check's second run gave another trace hash
};

struct seed_outcome {
  std::size_t target = 0;  // index into fuzz_plan::targets
  std::uint64_t seed = 0;
  seed_verdict verdict = seed_verdict::pass;
  run_result result;
  bool self_checked = false;
  std::uint64_t second_trace_hash = 0;
};

// The first seed of the shard at or after `start_seed`.
std::uint64_t first_seed_of_shard(std::uint64_t start_seed, std::uint64_t shard_index, std::uint64_t shard_count);
// Whether the self-check picks this seed: a fixed function of the seed, so
// every shard and every rerun picks the same ones.
bool self_check_picks(std::uint64_t seed, ratio share);

// Runs the plan. `keep_going` is asked before each new run is handed out
// (from any worker thread, under the engine's lock); `on_outcome` is called
// for each finished run under the same lock, in completion order. Returns
// the number of runs finished.
std::uint64_t run_fuzz(const fuzz_plan& plan, const std::function<bool()>& keep_going,
                       const std::function<void(const seed_outcome&)>& on_outcome);

// One seed of one target, self-checked if asked: what each worker does.
seed_outcome run_one_seed(const fuzz_target& target, std::size_t target_index, std::uint64_t seed,
                          bool self_check);

}  // namespace sim
