// The example protocol's checkers: each catches the bug it exists for, and
// the correct protocol passes many seeds of the default scenario.
#include "doctest/doctest.h"
#include "test/scenario_helpers.hpp"

using test_support::default_scenario;
using test_support::first_failing_seed;

TEST_CASE("the correct ping protocol passes 100 seeds of the default scenario") {
  std::string checker;
  const std::int64_t failing = first_failing_seed(default_scenario(), 1, 100, &checker);
  CAPTURE(checker);
  CHECK(failing == -1);
}

TEST_CASE("ping.boot_count_increases catches ping.unsynced_boot_count within 50 seeds") {
  sim::scenario input = default_scenario();
  input.bugs = {"ping.unsynced_boot_count"};
  std::string checker;
  const std::int64_t failing = first_failing_seed(input, 1, 50, &checker);
  CHECK(failing != -1);
  CHECK(checker == "ping.boot_count_increases");
}

TEST_CASE("ping.echo_matches catches ping.stale_echo on the first seed") {
  sim::scenario input = default_scenario();
  input.bugs = {"ping.stale_echo"};
  std::string checker;
  CHECK(first_failing_seed(input, 1, 1, &checker) == 1);
  CHECK(checker == "ping.echo_matches");
}

TEST_CASE("ping.peers_reachable catches ping.silent_after_restart within 20 seeds") {
  sim::scenario input = default_scenario();
  input.bugs = {"ping.silent_after_restart"};
  std::string checker;
  CHECK(first_failing_seed(input, 1, 20, &checker) != -1);
  CHECK(checker == "ping.peers_reachable");
}

TEST_CASE("ping.peers_reachable fails when the liveness bound is shorter than a ping period") {
  // A schedule that loses a server is not a liveness failure (lost servers
  // are not up), but a liveness bound too short for the first pongs is.
  sim::scenario input = default_scenario();
  input.swarm.enabled = false;
  input.checkers.liveness_bound_ns = sim::millisecond;
  const sim::run_result result = test_support::run_scenario(input, 1);
  REQUIRE_FALSE(result.passed());
  CHECK(result.failure->checker == "ping.peers_reachable");
  CHECK(result.failure->message.find("has not heard from") != std::string::npos);
}

TEST_CASE("a server that crashes during the run restarts from its disk with a larger boot count") {
  sim::scenario input = default_scenario();
  input.swarm.enabled = false;
  sim::fault_spec crash;
  crash.at_ns = 3 * sim::second;
  crash.kind = sim::fault_kind::crash;
  crash.targets = {"n1"};
  crash.duration_ns = sim::second;
  input.schedule = {crash};
  const sim::run_result result = test_support::run_scenario(input, 5);
  CHECK(result.passed());
  CHECK(result.world.crashes == 1);
  CHECK(result.world.restarts == 1);
}
