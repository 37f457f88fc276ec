// Swarm testing over the workload: a knob a scenario leaves as a range is
// drawn per run from the seed, inside the range, the same for the same
// seed, independent of the other knobs, and written back exactly.
#include <nlohmann/json.hpp>
#include <set>

#include "doctest/doctest.h"
#include "protocols/registry.hpp"
#include "sim/json_walker.hpp"
#include "sim/workload_draws.hpp"
#include "test/scenario_helpers.hpp"

namespace {

sim::range<std::uint32_t> counts(std::uint32_t minimum, std::uint32_t maximum) { return {minimum, maximum}; }

// The share of a run's invocations that are reads, in percent.
std::uint64_t read_share_percent(const sim::simulation& run) {
  std::uint64_t reads = 0;
  std::uint64_t invocations = 0;
  for (const sim::history_event& item : run.state().history()) {
    if (item.record.type != sim::history_type::invoke) continue;
    ++invocations;
    reads += item.record.operation == "read" ? 1 : 0;
  }
  REQUIRE(invocations > 0);
  return 100 * reads / invocations;
}

}  // namespace

TEST_CASE("a fixed knob is not drawn") {
  sim::workload_draws draws(7);
  CHECK(draws.count("keys", sim::range<std::uint32_t>::exactly(3)) == 3);
  CHECK(draws.duration("request_interval", sim::range<sim::time_ns>::exactly(sim::millisecond)) == sim::millisecond);
  CHECK(draws.drawn().empty());
}

TEST_CASE("an open knob stays inside its range, covers it, and repeats for the same seed") {
  std::set<std::uint32_t> seen;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    sim::workload_draws first(seed);
    sim::workload_draws second(seed);
    const std::uint32_t value = first.count("read_percent", counts(0, 3));
    CHECK(value <= 3);
    CHECK(second.count("read_percent", counts(0, 3)) == value);
    seen.insert(value);
  }
  CHECK(seen.size() == 4);
}

TEST_CASE("a knob's draw depends only on the seed and its name") {
  std::set<std::uint32_t> values;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    sim::workload_draws with_keys_first(seed);
    with_keys_first.count("keys", counts(1, 5));
    const std::uint32_t value = with_keys_first.count("values", counts(1, 1000));
    sim::workload_draws alone(seed);
    CHECK(alone.count("values", counts(1, 1000)) == value);
    sim::workload_draws other_name(seed);
    values.insert(value);
    values.insert(other_name.count("attempts", counts(1, 1000)));
  }
  CHECK(values.size() > 90);  // names draw apart; 100 draws from 1000 rarely collide
}

TEST_CASE("durations are drawn in whole microseconds and written back as text") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    sim::workload_draws draws(seed);
    const sim::time_ns value = draws.duration("request_interval", {10 * sim::millisecond, 40 * sim::millisecond});
    CHECK(value >= 10 * sim::millisecond);
    CHECK(value <= 40 * sim::millisecond);
    CHECK(value % sim::microsecond == 0);
    REQUIRE(draws.drawn().size() == 1);
    const std::string written = sim::workload_with_draws(R"({"request_interval": {"min": "10ms", "max": "40ms"}})", draws);
    CHECK(sim::parse_duration(nlohmann::json::parse(written)["request_interval"].get<std::string>()) == value);
  }
}

TEST_CASE("each seed of raft-swarm runs its own workload mix, and the run follows it") {
  const sim::scenario input = sim::load_scenario_file(test_support::source_path("scenarios/raft-swarm.json"));
  const sim::system_definition* family = protocols::find_system_definition("raft");
  REQUIRE(family != nullptr);
  std::set<std::string> workloads;
  std::optional<std::uint64_t> mostly_reads;
  std::optional<std::uint64_t> mostly_writes;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    const std::string workload = family->explicit_workload(input, seed);
    workloads.insert(workload);
    const auto read_percent = nlohmann::json::parse(workload)["read_percent"].get<std::uint32_t>();
    if (read_percent >= 90 && !mostly_reads) mostly_reads = seed;
    if (read_percent <= 10 && !mostly_writes) mostly_writes = seed;
  }
  CHECK(workloads.size() == 100);
  REQUIRE(mostly_reads.has_value());
  REQUIRE(mostly_writes.has_value());

  sim::simulation reads(sim::resolve_run_config(input, *mostly_reads), protocols::configure_system(input));
  sim::simulation writes(sim::resolve_run_config(input, *mostly_writes), protocols::configure_system(input));
  CHECK(reads.run().passed());
  CHECK(writes.run().passed());
  CHECK(read_share_percent(reads) >= 75);
  CHECK(read_share_percent(writes) <= 25);
}

TEST_CASE("a workload range out of order names the knob's pointer") {
  sim::scenario input = sim::load_scenario_file(test_support::source_path("scenarios/raft-swarm.json"));
  input.workload_json = R"({"read_percent": {"min": 60, "max": 40}})";
  try {
    protocols::configure_system(input);
    FAIL("a reversed range was accepted");
  } catch (const sim::scenario_error& error) {
    CHECK(error.location() == "/workload/read_percent/min");
  }
}
