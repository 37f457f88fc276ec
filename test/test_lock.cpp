// The lock manager on Raft: the correct service passes its scenarios, each
// bug switch is caught by the checker it exists for, and a paused holder
// whose lease ran out is fenced off by the resource.
#include <set>
#include <string>

#include "doctest/doctest.h"
#include "protocols/lock/lock_system.hpp"
#include "test/bug_catalogue.hpp"
#include "test/scenario_helpers.hpp"

namespace {

sim::scenario lock_scenario(const std::string& name) {
  return sim::load_scenario_file(test_support::source_path("scenarios/" + name));
}

struct bug_case {
  const char* bug;
  const char* scenario;
  const char* checker;
  std::uint64_t seed_budget;
};

// INVARIANTS.md, lock manager, bugs 1 to 9: the scenario that provokes
// each, the checker meant to catch it, and the seed budget (from seed 1).
constexpr bug_case bug_cases[] = {
    {"lock.exclusive_beside_shared", "lock-swarm.json", "lock.replicated_state", 5},
    {"lock.no_session_dedup", "lock-swarm.json", "lock.replicated_state", 5},
    {"lock.token_per_leader", "lock-swarm.json", "lock.replicated_state", 10},
    {"lock.local_clock_expiry", "lock-swarm.json", "raft.log_safety", 10},
    {"lock.follower_grants", "lock-swarm.json", "lock.fencing", 5},
    {"lock.renew_without_token", "lock-paused-holder.json", "lock.replicated_state", 5},
    {"lock.barging", "lock-swarm.json", "lock.replicated_state", 5},
    {"lock.no_waiter_edges", "lock-deadlock-many.json", "lock.deadlock", 10},
    {"lock.abort_unverified", "lock-deadlock-3.json", "lock.deadlock", 20},
};

}  // namespace

TEST_CASE("each lock bug switch is caught by its intended checker within its seed budget") {
  for (const bug_case& item : bug_cases) {
    CAPTURE(item.bug);
    sim::scenario input = lock_scenario(item.scenario);
    input.bugs = {item.bug};
    CHECK(test_support::first_seed_caught_by(input, item.checker, 1, item.seed_budget) != -1);
  }
}

TEST_CASE("the lock bug catalogue names every switch once, each with a checker the lock family has, each tested") {
  std::set<std::string> tested;
  for (const bug_case& item : bug_cases) tested.insert(item.bug);
  test_support::check_bug_catalogue(protocols::lock::lock_definition(), tested, 9);
}

TEST_CASE("the correct lock manager passes 40 seeds of the swarm and of every deadlock scenario") {
  for (const std::string name : {"lock-swarm.json", "lock-deadlock-2.json", "lock-deadlock-3.json",
                                  "lock-deadlock-many.json", "lock-conversion.json", "lock-paused-holder.json",
                                  "lock-failover.json", "lock-partitioned-client.json"}) {
    CAPTURE(name);
    std::string checker;
    const std::int64_t failing = test_support::first_failing_seed(lock_scenario(name), 100, 40, &checker);
    CAPTURE(checker);
    CHECK(failing == -1);
  }
}

TEST_CASE("a paused holder whose lease ran out writes with its old token and the resource turns it away") {
  const sim::scenario input = lock_scenario("lock-paused-holder.json");
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    sim::simulation run(sim::resolve_run_config(input, seed), protocols::configure_system(input));
    REQUIRE(run.run().passed());
    // A fenced write: its token was granted to its writer (an acquire that
    // succeeded), and the resource had already seen a newer one.
    std::set<std::string> granted;
    std::uint64_t fenced = 0;
    for (const sim::history_event& item : run.state().history()) {
      if (item.record.operation == "acquire" && item.record.type == sim::history_type::ok) {
        granted.insert(item.record.value.substr(8) + " from " + std::to_string(item.process));
      }
      if (item.record.operation == "write" && item.record.type == sim::history_type::fail) {
        CHECK(granted.count(item.record.value) == 1);
        fenced++;
      }
    }
    CHECK(fenced > 0);
  }
}

TEST_CASE("a lock-ordered workload never deadlocks, through leader failovers") {
  const sim::scenario input = lock_scenario("lock-failover.json");
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    CAPTURE(seed);
    sim::simulation run(sim::resolve_run_config(input, seed), protocols::configure_system(input));
    REQUIRE(run.run().passed());
    std::uint64_t granted = 0;
    for (const sim::history_event& item : run.state().history()) {
      CHECK(item.record.value != "deadlock");
      granted += item.record.operation == "acquire" && item.record.type == sim::history_type::ok ? 1 : 0;
    }
    CHECK(granted > 100);
  }
}

TEST_CASE("deadlocks happen in the deadlock scenarios and are all broken by aborts") {
  for (const char* name : {"lock-deadlock-2.json", "lock-deadlock-many.json", "lock-conversion.json"}) {
    CAPTURE(name);
    sim::simulation run(sim::resolve_run_config(lock_scenario(name), 1), protocols::configure_system(lock_scenario(name)));
    REQUIRE(run.run().passed());
    std::uint64_t aborted = 0;
    for (const sim::history_event& item : run.state().history()) {
      aborted += item.record.operation == "acquire" && item.record.value == "deadlock" ? 1 : 0;
    }
    CHECK(aborted > 0);
  }
}

TEST_CASE("the latency report gives p50 and p99 of each lock operation inside the seed's ranges") {
  const sim::scenario input = lock_scenario("latency.json");
  const auto behaviour = protocols::configure_system(input);
  sim::simulation run(sim::resolve_run_config(input, 1), behaviour);
  REQUIRE(run.run().passed());
  const std::string report = behaviour->report(run.state());
  CAPTURE(report);
  for (const std::string operation : {"acquire via leader", "acquire via follower"}) {
    const auto line_start = report.find(operation);
    REQUIRE(line_start != std::string::npos);
    const std::string line = report.substr(line_start, report.find('\n', line_start) - line_start);
    CHECK(line.ends_with("inside"));
  }
  CHECK(report.find("release") != std::string::npos);
}
