// The whole simulation is a value: a snapshot taken mid-run, restored and
// run on, produces exactly the trace of the run that never stopped. The
// model checker and the shrinker stand on this.
#include "doctest/doctest.h"
#include "sim/swarm_defaults.hpp"
#include "test/probe_system.hpp"

namespace {

sim::run_config faulty_probe_config(std::uint64_t seed) {
  auto config = test_support::probe_config(5, 5 * sim::second, seed);
  for (sim::link_options& link : config.links) {
    link.delay = {sim::millisecond, 2 * sim::millisecond, 4};
    link.drop = {1, 50};
    link.duplicate = {1, 50};
    link.reorder = {1, 20};
    link.corrupt = {1, 200};
  }
  sim::swarm_spec swarm = sim::default_swarm_spec();
  swarm.enabled = true;
  swarm.max_faulty = 2;
  config.faults = sim::generate_swarm_faults(swarm, config.servers, config.duration_ns, seed);
  return config;
}

std::vector<std::string> record_texts(const test_support::recording_observer& observer) {
  std::vector<std::string> texts;
  for (const auto& item : observer.records) {
    texts.push_back(std::to_string(item.time) + " " + sim::record_kind_name(item.kind) + " " +
                    std::to_string(item.from.process) + ">" + std::to_string(item.to.process) + " " + item.text);
  }
  return texts;
}

}  // namespace

TEST_CASE("restoring a snapshot and running on gives the same trace as never stopping") {
  const auto behaviour = std::make_shared<test_support::probe_system>(50 * sim::millisecond);
  for (std::uint64_t seed : {1ULL, 2ULL, 3ULL}) {
    CAPTURE(seed);
    sim::simulation original(faulty_probe_config(seed), behaviour);
    for (int step = 0; step < 1000; ++step) REQUIRE(original.step());
    const sim::simulation snapshot = original;  // a copy is a snapshot
    CHECK(snapshot.fingerprint() == original.fingerprint());

    test_support::recording_observer uninterrupted;
    original.set_observer(&uninterrupted);
    const sim::run_result expected = original.run();

    sim::simulation restored(faulty_probe_config(seed + 100), behaviour);  // some other state
    restored = snapshot;                                                   // restore
    test_support::recording_observer resumed;
    restored.set_observer(&resumed);
    const sim::run_result actual = restored.run();

    CHECK(actual.trace_hash == expected.trace_hash);
    CHECK(actual.events == expected.events);
    CHECK(record_texts(resumed) == record_texts(uninterrupted));
    CHECK(restored.fingerprint() == original.fingerprint());
    CHECK(expected.world.faults_injected > 0);
  }
}

TEST_CASE("the fingerprint tells different states apart") {
  const auto behaviour = std::make_shared<test_support::probe_system>(50 * sim::millisecond);
  sim::simulation run(faulty_probe_config(7), behaviour);
  for (int step = 0; step < 100; ++step) run.step();
  const std::uint64_t before = run.fingerprint();
  run.step();
  CHECK(run.fingerprint() != before);
}

TEST_CASE("the same seed gives the same run; another seed another run") {
  const auto behaviour = std::make_shared<test_support::probe_system>(50 * sim::millisecond);
  sim::simulation first(faulty_probe_config(11), behaviour);
  sim::simulation second(faulty_probe_config(11), behaviour);
  sim::simulation other(faulty_probe_config(12), behaviour);
  const auto first_result = first.run();
  CHECK(first_result.trace_hash == second.run().trace_hash);
  CHECK(first_result.trace_hash != other.run().trace_hash);
  CHECK(first_result.network.dropped > 0);
  CHECK(first_result.network.corrupted > 0);
  CHECK(first_result.network.duplicated > 0);
}
