// The scenario format: every field parses, defaults hold, the canonical form
// round-trips, and every kind of bad input names its file and JSON pointer.
#include <string>

#include "doctest/doctest.h"
#include "sim/scenario.hpp"
#include "test/scenario_helpers.hpp"

namespace {

// What parse_scenario says about `text`, or "" if it accepts it.
std::string error_of(const std::string& text) {
  try {
    sim::parse_scenario(text, "bad.json");
  } catch (const sim::scenario_error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a minimal scenario takes every default") {
  const sim::scenario parsed = sim::parse_scenario(R"({"version": 1})", "minimal.json");
  CHECK(parsed == [] {
    sim::scenario expected;
    expected.source_file = "minimal.json";
    return expected;
  }());
}

TEST_CASE("every field of the test scenario parses and round-trips through the canonical form") {
  const sim::scenario parsed = sim::load_scenario_file(test_support::source_path("test/data/good-scenario.json"));
  CHECK(parsed.cluster.servers == sim::range<std::uint32_t>{3, 5});
  CHECK(parsed.network.faults.drop == sim::range<sim::ratio>{{0, 1}, {2, 100}});
  CHECK(parsed.network.links.size() == 2);
  CHECK(parsed.network.links[0].floor_ns == sim::range<sim::time_ns>::exactly(5 * sim::millisecond));
  CHECK_FALSE(parsed.network.links[0].drop.has_value());
  CHECK(parsed.disk.fsync == sim::fsync_policy::always);
  CHECK(parsed.schedule.size() == 4);
  CHECK(parsed.schedule[1].groups.size() == 2);
  CHECK(parsed.schedule[3].drift_ppm == -300);
  CHECK(parsed.swarm.enabled);
  CHECK(parsed.checkers.only == std::vector<std::string>{"ping.echo_matches"});
  CHECK(parsed.duration_ns == 30 * sim::second);

  sim::scenario again = sim::parse_scenario(sim::scenario_to_json(parsed), parsed.source_file);
  CHECK(again == parsed);
  const sim::scenario defaults = test_support::default_scenario();
  CHECK(sim::parse_scenario(sim::scenario_to_json(defaults), defaults.source_file) == defaults);
}

TEST_CASE("JSON syntax errors name the line and column") {
  const std::string message = error_of("{\n  \"version\": 1\n  \"duration\": \"1s\"\n}");
  CHECK(message.find("bad.json:3:") == 0);
  CHECK(message.find("invalid JSON") != std::string::npos);
}

TEST_CASE("wrong types, unknown keys and out-of-range values name their JSON pointer") {
  CHECK(error_of(R"({"version": 1, "cluster": {"servers": "three"}})").find("bad.json: /cluster/servers: expected an integer from 1 to 64") == 0);
  CHECK(error_of(R"({"version": 1, "cluster": {"servers": 65}})").find("/cluster/servers:") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "netwrok": {}})").find("bad.json: /netwrok: unknown key \"netwrok\"") == 0);
  CHECK(error_of(R"({"version": 1, "network": {"delay": {"flor": "1ms"}}})").find("/network/delay/flor: unknown key") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "network": {"drop": "3/2"}})").find("/network/drop: expected a probability") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "duration": -5})").find("/duration: expected a duration") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "duration": "5parsecs"})").find("/duration:") != std::string::npos);
  CHECK(error_of(R"({"version": 2})").find("/version: this syncsim reads scenario format version 1") != std::string::npos);
  CHECK(error_of(R"({})").find("/version: required") != std::string::npos);
  CHECK(error_of(R"([1, 2])").find("bad.json: /: expected an object") == 0);
  CHECK(error_of(R"({"version": 1, "disk": {"fsync": "sometimes"}})").find("/disk/fsync:") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "bugs": ["a", "a"]})").find("/bugs/1: duplicate entry") != std::string::npos);
}

TEST_CASE("a range whose minimum exceeds its maximum is reported at its minimum") {
  CHECK(error_of(R"({"version": 1, "network": {"delay": {"jitter": {"min": "5ms", "max": "1ms"}}}})")
            .find("/network/delay/jitter/min: the minimum exceeds the maximum") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "cluster": {"servers": {"min": 3}}})").find("needs both") != std::string::npos);
}

TEST_CASE("durations take integers of nanoseconds or strings with a unit") {
  const auto duration_of = [](const std::string& value) {
    return sim::parse_scenario(R"({"version": 1, "duration": )" + value + "}", "d.json").duration_ns;
  };
  CHECK(duration_of("\"1m\"") == 60 * sim::second);
  CHECK(duration_of("\"1500us\"") == 1500 * sim::microsecond);
  CHECK(duration_of("\"2s\"") == 2 * sim::second);
  CHECK(duration_of("5000000") == 5 * sim::millisecond);
}

TEST_CASE("faults must name processes that exist and have the right shape") {
  const auto fault = [](const std::string& entry) {
    return error_of(R"({"version": 1, "cluster": {"servers": {"min": 3, "max": 5}, "clients": 1},
                        "faults": {"schedule": [)" + entry + "]}}");
  };
  CHECK(fault(R"({"at": "1s", "kind": "crash", "targets": ["n4"]})").find("/faults/schedule/0/targets/0: \"n4\" names no process") != std::string::npos);
  CHECK(fault(R"({"at": "1s", "kind": "crash", "targets": ["c0"]})").find("servers only") != std::string::npos);
  CHECK(fault(R"({"at": "1s", "kind": "partition", "groups": [["n0"]]})").find("/faults/schedule/0/groups: partition needs at least two groups") != std::string::npos);
  CHECK(fault(R"({"at": "1s", "kind": "partition", "groups": [["n0"], ["n0"]]})").find("in two groups") != std::string::npos);
  CHECK(fault(R"({"at": "1s", "kind": "heal", "duration": "1s"})").find("/faults/schedule/0/duration") != std::string::npos);
  CHECK(fault(R"({"at": "1s", "kind": "drift", "targets": ["n0"]})").find("drift needs") != std::string::npos);
  CHECK(fault(R"({"at": "11s", "kind": "heal"})").find("/faults/schedule/0/at:") != std::string::npos);
  CHECK(fault(R"({"at": "1s", "kind": "explode"})").find("unknown fault kind") != std::string::npos);
  CHECK(fault(R"({"at": "2s", "kind": "restart", "targets": ["n1"]}, {"at": "1s", "kind": "lose", "targets": ["n1"]})")
            .find("/faults/schedule/0/targets/0: \"n1\" was lost") != std::string::npos);
  CHECK(fault(R"({"at": "1s", "kind": "pause", "targets": ["@leader", "c0"], "duration": "1s"})").empty());
}

TEST_CASE("triggers name one event, a fault of the right shape, and @subject only where there is one") {
  const auto trigger = [](const std::string& entry) {
    return error_of(R"({"version": 1, "cluster": {"servers": 3, "clients": 1},
                        "faults": {"triggers": [)" + entry + "]}}");
  };
  CHECK(trigger(R"({"on": {"role": "leader"}, "after": {"min": "1ms", "max": "5ms"}, "probability": "1/2",
                    "kind": "isolate", "targets": ["@subject"], "duration": {"min": "10ms", "max": "1s"}})").empty());
  CHECK(trigger(R"({"on": {"delivery": "install-snapshot"}, "kind": "crash", "targets": ["@subject"], "duration": "5ms"})").empty());
  CHECK(trigger(R"({"kind": "crash", "targets": ["@subject"]})").find("/faults/triggers/0/on: required") != std::string::npos);
  CHECK(trigger(R"({"on": {"role": "leader", "delivery": "x"}, "kind": "crash", "targets": ["n0"]})")
            .find("/faults/triggers/0/on/role: give exactly one") != std::string::npos);
  CHECK(trigger(R"({"on": {"role": ""}, "kind": "crash", "targets": ["n0"]})").find("/faults/triggers/0/on/role: must not be empty") != std::string::npos);
  CHECK(trigger(R"({"on": {"role": "leader"}, "kind": "crash"})").find("/faults/triggers/0/targets: crash needs") != std::string::npos);
  CHECK(trigger(R"({"on": {"role": "leader"}, "kind": "lose", "targets": ["@subject"]})").find("/faults/triggers/0/kind") != std::string::npos);
  CHECK(trigger(R"({"on": {"role": "leader"}, "kind": "crash", "targets": ["n7"]})").find("/faults/triggers/0/targets/0") != std::string::npos);
  CHECK(trigger(R"({"on": {"role": "leader"}, "probability": {"min": 0, "max": "1/2"}, "kind": "crash", "targets": ["n0"]})")
            .find("/faults/triggers/0/probability: one ratio") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "faults": {"schedule": [{"at": "1s", "kind": "crash", "targets": ["@subject"]}]}})")
            .find("/faults/schedule/0/targets/0: \"@subject\" names the server of a trigger's event") != std::string::npos);
}

TEST_CASE("the swarm needs kinds and must leave a server up") {
  CHECK(error_of(R"({"version": 1, "faults": {"swarm": {"kinds": []}}})").find("/faults/swarm/kinds") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "faults": {"swarm": {"kinds": ["crash"], "max_faulty": 3}}})").find("/faults/swarm/max_faulty") != std::string::npos);
  CHECK(error_of(R"({"version": 1, "faults": {"swarm": {"kinds": ["heal"]}}})").find("/faults/swarm/kinds/0") != std::string::npos);
}

TEST_CASE("protocol options are checked by the protocol, with the same pointers") {
  sim::scenario input = sim::parse_scenario(R"({"version": 1, "protocol": {"name": "ping", "options": {"perod": "1s"}}})", "p.json");
  CHECK_THROWS_WITH_AS(protocols::configure_system(input), doctest::Contains("p.json: /protocol/options/perod: unknown key"), sim::scenario_error);
  input = sim::parse_scenario(R"({"version": 1, "protocol": {"name": "paxos"}})", "p.json");
  CHECK_THROWS_WITH_AS(protocols::configure_system(input), doctest::Contains("/protocol/name: unknown protocol \"paxos\""), sim::scenario_error);
  input = sim::parse_scenario(R"({"version": 1, "bugs": ["raft.nothing"]})", "p.json");
  CHECK_THROWS_WITH_AS(protocols::configure_system(input), doctest::Contains("/bugs/0: unknown bug switch"), sim::scenario_error);
  input = sim::parse_scenario(R"({"version": 1, "checkers": {"only": ["ping.nothing"]}})", "p.json");
  CHECK_THROWS_WITH_AS(protocols::configure_system(input), doctest::Contains("/checkers/only/0: unknown checker"), sim::scenario_error);
}

TEST_CASE("every bad scenario under test/data is refused with the pointer its name promises") {
  struct expectation {
    const char* file;
    const char* pointer;
  };
  const expectation cases[] = {
      {"broken-json.json", ":4:"},
      {"wrong-type.json", "/network/delay/floor"},
      {"unknown-key.json", "/faults/swarm/intervall"},
      {"out-of-range.json", "/cluster/servers"},
      {"min-above-max.json", "/clock/drift_ppm/min"},
      {"missing-target.json", "/faults/schedule/1/targets/0"},
  };
  for (const expectation& item : cases) {
    CAPTURE(item.file);
    const std::string path = test_support::source_path(std::string("test/data/bad-scenarios/") + item.file);
    try {
      protocols::configure_system(sim::load_scenario_file(path));
      FAIL("accepted");
    } catch (const sim::scenario_error& error) {
      CHECK(std::string(error.what()).find(path) == 0);
      CHECK(std::string(error.what()).find(item.pointer) != std::string::npos);
    }
  }
}
