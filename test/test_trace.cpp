// Traces: written while running, replayed identically, a hand edit reported
// at its line, a truncated trace refused with its line.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "doctest/doctest.h"
#include "test/scenario_helpers.hpp"
#include "traces/history_file.hpp"
#include "traces/replay.hpp"
#include "traces/trace_format.hpp"
#include "traces/trace_writer.hpp"

namespace {

std::string temporary_path(const std::string& name) {
  return std::string(SYNCSIM_BUILD_TEMPORARY) + "/" + name;
}

void write_trace(const std::string& path, const sim::scenario& input, std::uint64_t seed) {
  traces::trace_writer writer(path, input, seed);
  sim::simulation run(sim::resolve_run_config(input, seed), protocols::configure_system(input));
  run.set_observer(&writer);
  writer.finish(run.run());
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream input(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(input, line);) lines.push_back(line);
  return lines;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream output(path);
  for (const std::string& line : lines) output << line << "\n";
}

}  // namespace

TEST_CASE("a trace replays identically; an edited line is reported as the divergence") {
  const std::string path = temporary_path("replay.jsonl");
  write_trace(path, test_support::default_scenario(), 42);
  const traces::replay_outcome same = traces::replay_trace(path);
  CHECK(same.identical);
  CHECK(same.result.passed());

  std::vector<std::string> lines = read_lines(path);
  REQUIRE(lines.size() > 200);
  const std::size_t edited = 150;
  const auto time_field = lines[edited].find("\"t\":");
  REQUIRE(time_field != std::string::npos);
  lines[edited].insert(time_field + 4, "9");
  const std::string edited_path = temporary_path("replay-edited.jsonl");
  write_lines(edited_path, lines);
  const traces::replay_outcome different = traces::replay_trace(edited_path);
  CHECK_FALSE(different.identical);
  CHECK(different.line == edited + 1);
  CHECK(different.expected == lines[edited]);
  CHECK(different.actual != lines[edited]);
}

TEST_CASE("a truncated trace and a broken header are refused with their line") {
  const std::string path = temporary_path("truncated.jsonl");
  write_trace(path, test_support::default_scenario(), 7);
  std::vector<std::string> lines = read_lines(path);
  lines.resize(lines.size() / 2);
  write_lines(path, lines);
  CHECK_THROWS_WITH_AS(traces::replay_trace(path), doctest::Contains("truncated"), traces::trace_error);

  write_lines(path, {"{\"type\":\"header\",\"format\":1"});
  CHECK_THROWS_WITH_AS(traces::replay_trace(path), doctest::Contains((path + ":1: malformed JSON").c_str()), traces::trace_error);
  write_lines(path, {"{\"type\":\"event\"}"});
  CHECK_THROWS_WITH_AS(traces::replay_trace(path), doctest::Contains("not a trace header"), traces::trace_error);
}

TEST_CASE("the trace's footer carries the result and the stream hash of the run") {
  const std::string path = temporary_path("footer.jsonl");
  sim::scenario input = test_support::default_scenario();
  write_trace(path, input, 3);
  const sim::run_result result = test_support::run_scenario(input, 3);
  const std::vector<std::string> lines = read_lines(path);
  CHECK(lines.back().find("\"type\":\"footer\"") != std::string::npos);
  CHECK(lines.back().find(traces::hex64(result.trace_hash)) != std::string::npos);
  CHECK(lines.size() == result.records + 2);
}

TEST_CASE("the client history file holds every invoke and completion, and reads back as operations") {
  const sim::scenario input = test_support::default_scenario();
  sim::simulation run(sim::resolve_run_config(input, 9), protocols::configure_system(input));
  REQUIRE(run.run().passed());
  const std::string path = temporary_path("history.jsonl");
  traces::write_history(path, run.state());
  std::size_t invokes = 0;
  for (const auto& item : run.state().history()) invokes += item.record.type == sim::history_type::invoke ? 1 : 0;
  REQUIRE(invokes > 100);
  CHECK(read_lines(path).size() == run.state().history().size());
  const auto operations = traces::read_history_file(path);
  // Every invoke is an operation, except those of unknown outcome invoked
  // after the last known return (at most one per client: still open at the end).
  CHECK(operations.size() <= invokes);
  CHECK(invokes - operations.size() <= run.state().config().clients);
  for (const auto& item : operations) {
    CHECK(item.function == "echo");
    if (item.output_known) CHECK(item.output == item.input);
  }
}
