// Traces: written while running, replayed identically, a hand edit reported
// at its line, a truncated trace refused with its line.

#include "doctest/doctest.h"
#include "test/scenario_helpers.hpp"
#include "test/trace_files.hpp"
#include "traces/history_file.hpp"
#include "traces/replay.hpp"
#include "traces/trace_format.hpp"
#include "traces/trace_reader.hpp"

using test_support::read_lines;
using test_support::temporary_path;
using test_support::write_lines;
using test_support::write_trace;

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

TEST_CASE("the trace reader gives every event line with its fields, then the footer") {
  const std::string path = temporary_path("reader.jsonl");
  const sim::scenario input = test_support::default_scenario();
  write_trace(path, input, 11);
  const std::vector<std::string> lines = read_lines(path);
  traces::trace_reader reader(path);
  CHECK(reader.header().seed == 11);
  CHECK(reader.header().scenario_name == input.name);
  traces::trace_event event;
  std::uint64_t events = 0;
  std::uint64_t messages = 0;
  sim::time_ns previous = 0;
  while (reader.next(event)) {
    CHECK(event.line == events + 2);
    CHECK(event.index == events);
    CHECK(event.time >= previous);
    CHECK(lines[event.line - 1].find(std::string("\"kind\":\"") + sim::record_kind_name(event.kind) + "\"") !=
          std::string::npos);
    if (event.kind == sim::record_kind::deliver || event.kind == sim::record_kind::drop) {
      messages++;
      CHECK(event.sent_at <= event.time);
      CHECK(lines[event.line - 1].find("\"sent\":" + std::to_string(event.sent_at) + ",") != std::string::npos);
      CHECK(!event.from.empty());
      CHECK(!event.message.empty());
    }
    previous = event.time;
    events++;
  }
  CHECK(messages > 100);
  CHECK(events + 2 == lines.size());
  CHECK(reader.footer().line == lines.size());
  CHECK(reader.footer().result == "pass");
  CHECK_FALSE(reader.footer().violation);
  CHECK_FALSE(reader.next(event));
}

TEST_CASE("a line after the footer is refused with its line") {
  const std::string path = temporary_path("reader-twice.jsonl");
  write_trace(path, test_support::default_scenario(), 12);
  std::vector<std::string> lines = read_lines(path);
  const std::size_t length = lines.size();
  lines.push_back(lines[1]);
  write_lines(path, lines);
  traces::trace_reader reader(path);
  traces::trace_event event;
  const auto read_all = [&] {
    while (reader.next(event)) {
    }
  };
  const std::string expected = path + ":" + std::to_string(length + 1) + ": a line after the footer";
  CHECK_THROWS_WITH_AS(read_all(), doctest::Contains(expected.c_str()), traces::trace_error);
}

TEST_CASE("addresses and fault descriptions read back as the world writes them") {
  CHECK(traces::parse_address("n0").process == "n0");
  CHECK(traces::parse_address("n0").instance == 0);
  CHECK(traces::parse_address("n12#3").process == "n12");
  CHECK(traces::parse_address("n12#3").instance == 3);
  CHECK(traces::parse_address("odd#name").process == "odd#name");

  const traces::fault_description crash = traces::parse_fault_text("crash n1 n3 for 500ms");
  CHECK_FALSE(crash.revert);
  CHECK(crash.kind == "crash");
  CHECK(crash.targets == std::vector<std::string>{"n1", "n3"});
  const traces::fault_description end = traces::parse_fault_text("end crash n1");
  CHECK(end.revert);
  CHECK(end.kind == "crash");
  CHECK(end.targets == std::vector<std::string>{"n1"});
  CHECK(traces::parse_fault_text("partition [n0 n1] [n2 c0] for 1s").targets.empty());
  CHECK(traces::parse_fault_text("drift n2 -200ppm for 2s").targets == std::vector<std::string>{"n2"});
}
