// Triggered faults: a role trigger fires once each time a server starts to
// play the role, a delivery trigger once per matching message, @subject is
// the server concerned, and triggers round-trip through the canonical form.
#include <string>

#include "doctest/doctest.h"
#include "protocols/raft/raft_server.hpp"
#include "test/scenario_helpers.hpp"

namespace {

sim::scenario raft_with_trigger(const std::string& trigger) {
  return sim::parse_scenario(R"({"version": 1, "protocol": {"name": "raft"}, "cluster": {"servers": 5, "clients": 2},
      "network": {"delay": {"floor": "1ms", "jitter": "1ms"}},
      "faults": {"triggers": [)" + trigger + R"(]}, "duration": "6s",
      "checkers": {"liveness_bound": "10s"}})",
                             "trigger.json");
}

// Counts leaderships that start (a server that was not leader after the
// previous record and is now), and fault records by their first words.
class leadership_counter final : public sim::trace_observer {
 public:
  void on_record(const sim::world& state, const sim::trace_record& record) override {
    for (std::uint32_t server = 0; server < state.config().servers; ++server) {
      const auto* member = state.actor_as<protocols::raft::raft_server>({server, 0});
      const bool leads = member != nullptr && state.process(server).status == sim::process_status::up &&
                         member->current_role() == protocols::raft::role::leader;
      if (leads && !leading_[server]) leaderships++;
      leading_[server] = leads;
    }
    if (record.kind == sim::record_kind::fault && record.text.starts_with("isolate ")) isolations++;
    if (record.kind == sim::record_kind::fault && record.text.starts_with("crash ")) crashes++;
  }
  std::uint64_t leaderships = 0;
  std::uint64_t isolations = 0;
  std::uint64_t crashes = 0;

 private:
  bool leading_[5] = {};
};

}  // namespace

TEST_CASE("a role trigger isolates every new leader, after its delay, and the run stays safe") {
  const sim::scenario input = raft_with_trigger(
      R"({"on": {"role": "leader"}, "after": {"min": "1ms", "max": "20ms"}, "kind": "isolate",
          "targets": ["@subject"], "duration": {"min": "400ms", "max": "600ms"}})");
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    CAPTURE(seed);
    leadership_counter counter;
    const sim::run_result result = test_support::run_scenario(input, seed, &counter);
    CHECK(result.passed());
    // Leaderships that start in the last 20ms of the safety phase, or after
    // it, fire nothing: the liveness phase is fault-free.
    CHECK(counter.isolations >= 5);
    CHECK(counter.isolations <= counter.leaderships);
    CHECK(counter.isolations + 2 >= counter.leaderships);
  }
}

TEST_CASE("a delivery trigger fires on matching messages only, with its probability and at most times_max") {
  const sim::scenario every = raft_with_trigger(
      R"({"on": {"delivery": "request-vote"}, "kind": "crash", "targets": ["@subject"], "duration": "10ms"})");
  leadership_counter counted;
  test_support::run_scenario(every, 1, &counted);
  CHECK(counted.crashes > 0);
  const sim::scenario limited = raft_with_trigger(
      R"({"on": {"delivery": "request-vote"}, "probability": "1/2", "times_max": 2, "kind": "crash",
          "targets": ["@subject"], "duration": "10ms"})");
  leadership_counter limited_count;
  test_support::run_scenario(limited, 1, &limited_count);
  CHECK(limited_count.crashes <= 2);
  const sim::scenario never = raft_with_trigger(
      R"({"on": {"delivery": "no-such-message"}, "kind": "crash", "targets": ["@subject"], "duration": "10ms"})");
  leadership_counter none;
  test_support::run_scenario(never, 1, &none);
  CHECK(none.crashes == 0);
}

TEST_CASE("triggers round-trip through the canonical form") {
  const sim::scenario input = raft_with_trigger(
      R"({"on": {"delivery": "install-snapshot"}, "after": {"min": "0ms", "max": "8ms"}, "probability": "1/4",
          "times_max": 7, "kind": "partition", "groups": [["@subject"], ["@other_servers"]], "duration": "5ms"})");
  REQUIRE(input.triggers.size() == 1);
  CHECK(input.triggers[0].event == sim::trigger_event::delivery);
  CHECK(input.triggers[0].times_max == 7);
  CHECK(sim::parse_scenario(sim::scenario_to_json(input), input.source_file) == input);
}
