// Shrinking: the explicit scenario runs exactly as the original, and a
// shrunk failure is much smaller, still fails the same checker, and is
// caused by the bug it was found with.
#include "doctest/doctest.h"
#include "protocols/registry.hpp"
#include "sim/shrink.hpp"
#include "test/scenario_helpers.hpp"
#include "tools/shrink_runs.hpp"

namespace {

sim::scenario scenario_named(const std::string& name) {
  return sim::load_scenario_file(test_support::source_path("scenarios/" + name));
}

sim::scenario explicit_run(const sim::scenario& input, std::uint64_t seed) {
  const sim::system_definition* family = protocols::find_system_definition(input.protocol);
  REQUIRE(family != nullptr);
  return sim::make_explicit(input, seed, *family);
}

}  // namespace

TEST_CASE("an explicit scenario runs exactly as the seed it was drawn from") {
  for (const char* name : {"raft-swarm.json", "lock-swarm.json", "ping-swarm.json", "raft-multi-group.json"}) {
    const sim::scenario input = scenario_named(name);
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      CAPTURE(name);
      CAPTURE(seed);
      const sim::scenario drawn = explicit_run(input, seed);
      CHECK_FALSE(drawn.swarm.enabled);
      CHECK(drawn.cluster.servers.fixed());
      CHECK(drawn.network.delay.jitter_ns.fixed());
      CHECK(drawn.seed == seed);
      // Through the file format, as `syncsim shrink` writes it.
      const sim::scenario written = sim::parse_scenario(sim::scenario_to_json(drawn), "explicit.json");
      CHECK(test_support::run_scenario(written, seed).trace_hash == test_support::run_scenario(input, seed).trace_hash);
    }
  }
}

TEST_CASE("operation caps try 1, 2, 4 ... and then what the failing run used") {
  CHECK(sim::operation_caps(10, 0) == std::vector<std::uint64_t>{1, 2, 4, 8, 10});
  CHECK(sim::operation_caps(10, 5) == std::vector<std::uint64_t>{1, 2, 4});
  CHECK(sim::operation_caps(1, 0) == std::vector<std::uint64_t>{1});
  CHECK(sim::operation_caps(0, 0).empty());
}

TEST_CASE("a Raft bug's failure shrinks to a tenth of its trace and still needs the bug") {
  sim::scenario input = scenario_named("raft-swarm.json");
  input.bugs = {"raft.no_log_check"};
  const sim::run_result original = test_support::run_scenario(input, 4);
  REQUIRE_FALSE(original.passed());
  REQUIRE(original.failure->checker == "raft.log_safety");

  const sim::shrink_outcome outcome = tools::shrink_failing_run(input, 4, {});
  REQUIRE(outcome.final.failure.has_value());
  CHECK(outcome.final.failure->checker == "raft.log_safety");
  CHECK(outcome.final.records * 10 <= original.records);
  CHECK(outcome.minimal.schedule.size() < explicit_run(input, 4).schedule.size());
  CHECK(outcome.minimal.seed.has_value());

  // The file alone reproduces it: its seed is inside.
  const sim::scenario written = sim::parse_scenario(sim::scenario_to_json(outcome.minimal), "shrunk.json");
  REQUIRE(written.seed.has_value());
  const sim::run_result again = test_support::run_scenario(written, *written.seed);
  REQUIRE_FALSE(again.passed());
  CHECK(again.failure->checker == "raft.log_safety");
  CHECK(again.records == outcome.final.records);

  // Without the bug the same small scenario passes: the shrinker kept the
  // bug's failure, not another one.
  sim::scenario fixed = written;
  fixed.bugs.clear();
  CHECK(test_support::run_scenario(fixed, *written.seed).passed());
}

// Figure 8 is reached by triggers that fire on what happens (a leader
// elected, a request delivered). Its shrink has to simplify while the
// triggers still fire: fixed at their first times, the faults miss as soon
// as the protocol's timing changes.
TEST_CASE("a failure reached through triggers shrinks to a tenth too") {
  sim::scenario input = scenario_named("raft-figure-8.json");
  input.bugs = {"raft.commit_previous_term"};
  const sim::run_result original = test_support::run_scenario(input, 1);
  REQUIRE_FALSE(original.passed());
  REQUIRE(original.failure->checker == "raft.log_safety");

  const sim::shrink_outcome outcome = tools::shrink_failing_run(input, 1, {});
  REQUIRE(outcome.final.failure.has_value());
  CHECK(outcome.final.failure->checker == "raft.log_safety");
  CHECK(outcome.final.records * 10 <= original.records);
  CHECK(outcome.minimal.triggers.empty());
  CHECK(outcome.minimal.cluster.servers.minimum < 5);

  sim::scenario fixed = outcome.minimal;
  fixed.bugs.clear();
  CHECK(test_support::run_scenario(fixed, *outcome.minimal.seed).passed());
}

// The lock manager offers its own reductions: fewer transactions per client
// and a plainer mix.
TEST_CASE("a lock manager failure shrinks with the family's own workload reductions") {
  sim::scenario input = scenario_named("lock-swarm.json");
  input.bugs = {"lock.no_session_dedup"};
  const sim::run_result original = test_support::run_scenario(input, 1);
  REQUIRE_FALSE(original.passed());
  REQUIRE(original.failure->checker == "lock.replicated_state");

  const sim::shrink_outcome outcome = tools::shrink_failing_run(input, 1, {});
  REQUIRE(outcome.final.failure.has_value());
  CHECK(outcome.final.failure->checker == "lock.replicated_state");
  CHECK(outcome.final.records * 5 <= original.records);
  CHECK(outcome.minimal.workload_json.find("\"transactions_max\"") != std::string::npos);

  sim::scenario fixed = outcome.minimal;
  fixed.bugs.clear();
  CHECK(test_support::run_scenario(fixed, *outcome.minimal.seed).passed());
}
