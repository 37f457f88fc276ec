// Raft: the correct protocol passes many seeds of each Raft scenario, and
// each bug switch is caught by the checker it exists for.
#include "doctest/doctest.h"
#include "test/scenario_helpers.hpp"

namespace {

sim::scenario raft_scenario(const std::string& name) {
  return sim::load_scenario_file(test_support::source_path("scenarios/" + name));
}

}  // namespace

TEST_CASE("correct Raft passes 100 seeds of the swarm and of the restart storm") {
  for (const char* name : {"raft-swarm.json", "raft-restart-storm.json"}) {
    CAPTURE(name);
    std::string checker;
    CHECK(test_support::first_failing_seed(raft_scenario(name), 1000, 100, &checker) == -1);
    CAPTURE(checker);
  }
}

TEST_CASE("Raft commits client operations and keeps them linearizable") {
  const sim::scenario input = raft_scenario("raft-swarm.json");
  sim::simulation run(sim::resolve_run_config(input, 7), protocols::configure_system(input));
  const sim::run_result result = run.run();
  REQUIRE(result.passed());
  std::size_t completed = 0;
  for (const auto& item : run.state().history()) completed += item.record.type == sim::history_type::ok ? 1 : 0;
  CHECK(completed > 200);
}

TEST_CASE("raft.log_safety catches raft.no_log_check within 10 seeds") {
  sim::scenario input = raft_scenario("raft-swarm.json");
  input.bugs = {"raft.no_log_check"};
  std::string checker;
  CHECK(test_support::first_failing_seed(input, 1, 10, &checker) != -1);
  CHECK(checker == "raft.log_safety");
}

TEST_CASE("raft.term_and_vote catches raft.forget_vote within 30 seeds of the restart storm") {
  sim::scenario input = raft_scenario("raft-restart-storm.json");
  input.bugs = {"raft.forget_vote"};
  std::string checker;
  CHECK(test_support::first_failing_seed(input, 1, 30, &checker) != -1);
  CHECK(checker == "raft.term_and_vote");
}

TEST_CASE("with the leader isolated, the majority elects a new leader and keeps committing") {
  const sim::scenario input = raft_scenario("raft-leader-isolation.json");
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    CAPTURE(seed);
    sim::simulation run(sim::resolve_run_config(input, seed), protocols::configure_system(input));
    const sim::run_result result = run.run();
    REQUIRE(result.passed());
    // Operations complete while the first leader is cut off (2s to 5s),
    // after an election timeout or two.
    std::size_t completed_during_isolation = 0;
    for (const auto& item : run.state().history()) {
      const bool inside = item.time > 2500 * sim::millisecond && item.time < 5 * sim::second;
      completed_during_isolation += inside && item.record.type == sim::history_type::ok ? 1 : 0;
    }
    CHECK(completed_during_isolation > 50);
  }
}
