// The fuzz engine: shards that add up to the whole sweep, the same failures
// whatever the number of jobs, and a self-check that catches a system whose
// runs leak state into each other.
#include <atomic>
#include <set>

#include "doctest/doctest.h"
#include "protocols/registry.hpp"
#include "sim/fuzz.hpp"
#include "test/probe_system.hpp"
#include "test/scenario_helpers.hpp"

namespace {

using failure_set = std::set<std::pair<std::size_t, std::uint64_t>>;

sim::fuzz_target target_of(const std::string& scenario_name, const std::string& bug) {
  sim::scenario input = sim::load_scenario_file(test_support::source_path("scenarios/" + scenario_name));
  if (!bug.empty()) input.bugs.push_back(bug);
  auto behaviour = protocols::configure_system(input);
  return {std::move(input), std::move(behaviour)};
}

failure_set failures_of(const sim::fuzz_plan& plan, std::uint64_t* runs = nullptr) {
  failure_set failures;
  const std::uint64_t finished = sim::run_fuzz(
      plan, [] { return true; },
      [&failures](const sim::seed_outcome& outcome) {
        if (outcome.verdict != sim::seed_verdict::pass) failures.insert({outcome.target, outcome.seed});
      });
  if (runs != nullptr) *runs = finished;
  return failures;
}

// Its servers' probe period grows with every server it makes: a run depends
// on the runs before it, as with a forgotten global in a protocol.
class leaky_system final : public sim::system {
 public:
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<test_support::probe_actor>(sim::millisecond + made_++ * sim::microsecond);
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<test_support::probe_actor>(sim::millisecond);
  }
  std::string describe(sim::address, const sim::envelope&) const override { return "probe"; }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape&) const override { return {}; }

 private:
  mutable std::atomic<std::uint64_t> made_{0};
};

}  // namespace

TEST_CASE("seed s belongs to shard s mod N, from any start seed") {
  CHECK(sim::first_seed_of_shard(1, 0, 4) == 4);
  CHECK(sim::first_seed_of_shard(1, 1, 4) == 1);
  CHECK(sim::first_seed_of_shard(1, 3, 4) == 3);
  CHECK(sim::first_seed_of_shard(10, 2, 4) == 10);
  CHECK(sim::first_seed_of_shard(10, 1, 4) == 13);
  CHECK(sim::first_seed_of_shard(0, 0, 1) == 0);
}

TEST_CASE("two shards together find exactly the failures of the whole sweep, with any number of jobs") {
  sim::fuzz_plan whole;
  whole.targets = {target_of("raft-swarm.json", "raft.no_log_check"), target_of("raft-split-votes.json", "")};
  whole.seed_count = 40;
  whole.jobs = 2;
  std::uint64_t runs = 0;
  const failure_set expected = failures_of(whole, &runs);
  CHECK(runs == 80);
  CHECK(expected.size() >= 5);  // raft.no_log_check fails about a third of raft-swarm's seeds

  sim::fuzz_plan one_job = whole;
  one_job.jobs = 1;
  CHECK(failures_of(one_job) == expected);

  failure_set together;
  std::uint64_t shard_runs = 0;
  for (std::uint64_t shard = 0; shard < 2; ++shard) {
    sim::fuzz_plan part = whole;
    part.shard_index = shard;
    part.shard_count = 2;
    std::uint64_t part_runs = 0;
    for (const auto& failure : failures_of(part, &part_runs)) {
      CHECK(failure.second % 2 == shard);
      CHECK(together.insert(failure).second);  // no seed in both shards
    }
    shard_runs += part_runs;
  }
  CHECK(shard_runs == runs);
  CHECK(together == expected);
}

TEST_CASE("stop on failure hands out no seed after the first failure") {
  sim::fuzz_plan plan;
  plan.targets = {target_of("raft-swarm.json", "raft.no_log_check")};
  plan.seed_count = 200;
  plan.jobs = 1;
  plan.stop_on_failure = true;
  std::uint64_t runs = 0;
  const failure_set failures = failures_of(plan, &runs);
  REQUIRE(failures.size() == 1);
  CHECK(runs == failures.begin()->second);  // seeds 1..first failing one
}

TEST_CASE("the self-check passes on correct protocols and catches runs that leak into each other") {
  sim::fuzz_plan plan;
  plan.targets = {target_of("raft-swarm.json", ""), target_of("lock-swarm.json", "")};
  plan.seed_count = 8;
  plan.jobs = 2;
  plan.self_check = {1, 1};
  std::uint64_t checked = 0;
  sim::run_fuzz(plan, [] { return true; }, [&checked](const sim::seed_outcome& outcome) {
    CHECK(outcome.self_checked);
    CHECK(outcome.verdict == sim::seed_verdict::pass);
    CHECK(outcome.second_trace_hash == outcome.result.trace_hash);
    checked++;
  });
  CHECK(checked == 16);

  sim::fuzz_target leaky{sim::scenario{}, std::make_shared<leaky_system>()};
  leaky.input.cluster.clients = sim::range<std::uint32_t>::exactly(0);
  leaky.input.duration_ns = 200 * sim::millisecond;
  const sim::seed_outcome outcome = sim::run_one_seed(leaky, 0, 1, true);
  CHECK(outcome.verdict == sim::seed_verdict::nondeterministic);
  CHECK(outcome.second_trace_hash != outcome.result.trace_hash);
}

TEST_CASE("the self-check picks the same share of seeds in every shard") {
  std::uint64_t picked = 0;
  for (std::uint64_t seed = 1; seed <= 10'000; ++seed) picked += sim::self_check_picks(seed, {1, 10}) ? 1 : 0;
  CHECK(picked > 900);
  CHECK(picked < 1100);
  CHECK_FALSE(sim::self_check_picks(7, sim::ratio::never()));
  CHECK(sim::self_check_picks(7, {1, 1}));
}
