// The lock manager on Raft: the correct service passes its scenarios, each
// bug switch is caught by the checker it exists for, and a paused holder
// whose lease ran out is fenced off by the resource; the lock history
// model on hand-written histories.
#include <set>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "protocols/lock/lock_history_model.hpp"
#include "protocols/lock/lock_system.hpp"
#include "sim/linearizability.hpp"
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

using sim::linearizability::operation;

operation lock_op(std::uint64_t client, std::uint64_t call, std::uint64_t returned, std::string function,
                  std::string input, std::string output) {
  operation result;
  result.client = client;
  result.call = call;
  result.returned = returned;
  result.function = std::move(function);
  result.key = "l0";
  result.input = std::move(input);
  result.output = std::move(output);
  return result;
}

// An acquire the client gave up on: no answer ever came.
operation unanswered_acquire(std::uint64_t client, std::uint64_t call, std::string mode) {
  operation result = lock_op(client, call, sim::linearizability::never_returned, "acquire", std::move(mode), "");
  result.output_known = false;
  return result;
}

bool lock_linearizable(const std::vector<operation>& history, bool leases = true) {
  return sim::linearizability::check(history, protocols::lock::lock_model(leases)).linearizable;
}

}  // namespace

TEST_CASE("lock history model: an unanswered acquire may have been granted, its token told by a repeat") {
  // lock-swarm seed 1563: c0's acquire was granted after c0 gave up waiting
  // for the answer; c1 was granted the lock shared beside it; c0's next
  // acquire of the lock is a repeat, answered with the older token of the
  // grant c0 never heard of.
  const std::vector<operation> history = {
      unanswered_acquire(0, 1, "S"),
      lock_op(1, 2, 3, "acquire", "S", "granted 2000"),
      lock_op(0, 4, 5, "acquire", "S", "granted 1000"),
      lock_op(0, 6, 7, "release", "1000", "released"),
  };
  CHECK(lock_linearizable(history));
  CHECK(lock_linearizable(history, false));
  // Without the unanswered acquire, c0 cannot hold a token older than one
  // already granted.
  CHECK_FALSE(lock_linearizable({history.begin() + 1, history.end()}));
  // The grant c0 never heard came after c0 asked: its token is newer than
  // any granted before.
  const std::vector<operation> older = {
      lock_op(2, 1, 2, "acquire", "S", "granted 1500"),
      unanswered_acquire(0, 3, "S"),
      lock_op(1, 4, 5, "acquire", "S", "granted 2000"),
      lock_op(0, 6, 7, "acquire", "S", "granted 1000"),
  };
  CHECK_FALSE(lock_linearizable(older));
  // An upgrade gets a new token, never the unheard one.
  std::vector<operation> upgrade = history;
  upgrade[2].input = "X";
  CHECK_FALSE(lock_linearizable(upgrade));
  // A client releases only with a token it was told.
  CHECK_FALSE(lock_linearizable({history[0], history[1], history[3]}));
}

TEST_CASE("lock history model: unanswered acquires of different clients are not interchangeable") {
  // Without leases c0's unheard shared grant would block c4's exclusive one
  // for ever, so it must come last, after c1's, which came before c3's
  // grant (c1 is later told its token, older than c3's).
  const std::vector<operation> history = {
      unanswered_acquire(0, 1, "S"),
      unanswered_acquire(1, 2, "S"),
      lock_op(3, 3, 4, "acquire", "S", "granted 2000"),
      lock_op(1, 5, 6, "acquire", "S", "granted 1500"),
      lock_op(1, 7, 8, "release", "1500", "released"),
      lock_op(3, 9, 10, "release", "2000", "released"),
      lock_op(4, 11, 12, "acquire", "X", "granted 3000"),
  };
  CHECK(lock_linearizable(history, false));
}

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
