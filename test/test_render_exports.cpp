// The exporters, checked against the traces they are made from: Mermaid
// sequence diagrams line by line against the grammar they use, Perfetto JSON
// event by event (metadata, flows, nesting, timestamps), and both refusing a
// broken trace with its file and line.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
// GCC 12 sees std::regex's automaton as maybe uninitialized under the
// sanitizers' optimization level (a false positive inside libstdc++).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <regex>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#include <set>
#include <sstream>

#include "doctest/doctest.h"
#include "test/scenario_helpers.hpp"
#include "test/trace_files.hpp"
#include "traces/mermaid.hpp"
#include "traces/perfetto.hpp"
#include "traces/trace_reader.hpp"

namespace {

// Short enough for a readable diagram, with every kind of line: drops,
// duplicates, corruption, fsync-delayed sends, a crash with its restart, a
// partition, the heal.
constexpr const char* small_ping_scenario = R"({
  "version": 1,
  "name": "render-exports",
  "protocol": {"name": "ping", "options": {"period": "100ms"}},
  "workload": {"request_interval": "50ms", "request_timeout": "200ms"},
  "cluster": {"servers": 3, "clients": 2},
  "network": {"delay": {"floor": "1ms", "jitter": "1ms"}, "drop": "5/100", "duplicate": "10/100", "corrupt": "3/100"},
  "disk": {"fsync": "always", "fsync_delay": {"min": "500us", "max": "1ms"}},
  "faults": {"schedule": [
    {"at": "300ms", "kind": "crash", "targets": ["n1"], "duration": "200ms"},
    {"at": "600ms", "kind": "partition", "groups": [["n0", "c0"], ["n1", "n2", "c1"]], "duration": "200ms"}
  ]},
  "duration": "1s"
})";

std::string small_trace() {
  const std::string path = test_support::temporary_path("render-small.jsonl");
  test_support::write_trace(path, sim::parse_scenario(small_ping_scenario, "render-exports.json"), 1);
  return path;
}

// Raft granting votes without the log check, caught by raft.log_safety.
std::string failing_trace() {
  sim::scenario input = sim::load_scenario_file(test_support::source_path("scenarios/raft-swarm.json"));
  input.bugs = {"raft.no_log_check"};
  const std::string path = test_support::temporary_path("render-failing.jsonl");
  test_support::write_trace(path, input, 4);
  return path;
}

// What the trace says, read with nlohmann::json alone (not with the reader
// the exporters share).
struct message_line {
  std::string kind;
  std::int64_t time = 0;
  std::int64_t sent = 0;
  std::uint64_t id = 0;
};
struct trace_summary {
  std::map<std::string, std::size_t> kinds;
  std::vector<message_line> messages;  // deliver, drop and corrupt lines in order
  std::size_t invokes = 0;
  nlohmann::json footer;

  std::size_t count(const std::string& kind) const {
    const auto found = kinds.find(kind);
    return found == kinds.end() ? 0 : found->second;
  }
};

trace_summary summarize(const std::string& path) {
  trace_summary summary;
  for (const std::string& text : test_support::read_lines(path)) {
    const nlohmann::json line = nlohmann::json::parse(text);
    if (line["type"] == "footer") summary.footer = line;
    if (line["type"] != "event") continue;
    const std::string kind = line["kind"];
    summary.kinds[kind]++;
    if (kind == "history" && line["history"] == "invoke") summary.invokes++;
    if (kind == "deliver" || kind == "drop" || kind == "corrupt") {
      summary.messages.push_back({kind, line["t"], line["sent"], line["id"]});
    }
  }
  return summary;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream input(text);
  for (std::string line; std::getline(input, line);) lines.push_back(line);
  return lines;
}

std::string milliseconds(std::int64_t time_ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lldms", static_cast<long long>(time_ns / 1000000),
                static_cast<long long>(time_ns / 1000 % 1000));
  return text;
}

// ---- Mermaid ----

const std::regex participant_form(R"(^\s*participant ([A-Za-z_][A-Za-z0-9_]*) as ([^;#]+)$)");
const std::regex arrow_form(R"(^\s*([A-Za-z_][A-Za-z0-9_]*)(->>|-x)([A-Za-z_][A-Za-z0-9_]*): ([^;#]+)$)");
const std::regex note_form(R"(^\s*Note over ([A-Za-z_][A-Za-z0-9_]*)(,([A-Za-z_][A-Za-z0-9_]*))?: ([^;#]+)$)");

struct parsed_diagram {
  std::vector<std::string> participants;  // ids in declaration order
  std::vector<std::smatch> arrows;
  std::vector<std::smatch> notes;
  std::vector<std::string> lines;
};

// Parses the diagram, checking that every line is one of the three forms
// and that each participant is declared once, before any use.
parsed_diagram parse_diagram(const std::string& text) {
  parsed_diagram diagram;
  diagram.lines = split_lines(text);
  REQUIRE(!diagram.lines.empty());
  CHECK(diagram.lines[0] == "sequenceDiagram");
  std::set<std::string> declared;
  for (std::size_t i = 1; i < diagram.lines.size(); ++i) {
    const std::string& line = diagram.lines[i];
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    std::smatch match;
    if (std::regex_match(line, match, participant_form)) {
      CHECK_MESSAGE(diagram.arrows.empty(), "participant declared after use: " << line);
      CHECK_MESSAGE(diagram.notes.empty(), "participant declared after use: " << line);
      CHECK_MESSAGE(declared.insert(match[1]).second, "declared twice: " << line);
      diagram.participants.push_back(match[1]);
    } else if (std::regex_match(line, match, arrow_form)) {
      CHECK_MESSAGE(declared.contains(match[1]), line);
      CHECK_MESSAGE(declared.contains(match[3]), line);
      diagram.arrows.push_back(match);
    } else if (std::regex_match(line, match, note_form)) {
      CHECK_MESSAGE(declared.contains(match[1]), line);
      if (match[3].matched) CHECK_MESSAGE(declared.contains(match[3]), line);
      diagram.notes.push_back(match);
    } else {
      FAIL("line " << i + 1 << " is not a participant, an arrow or a note: " << line);
    }
  }
  return diagram;
}

// One arrow per deliver, drop and corrupt line, in the trace's order, each
// starting with its time.
void check_arrows(const parsed_diagram& diagram, const trace_summary& summary) {
  REQUIRE(diagram.arrows.size() == summary.messages.size());
  CHECK(diagram.arrows.size() == summary.count("deliver") + summary.count("drop") + summary.count("corrupt"));
  for (std::size_t i = 0; i < diagram.arrows.size(); ++i) {
    const std::smatch& arrow = diagram.arrows[i];
    const message_line& message = summary.messages[i];
    CHECK(arrow[2] == (message.kind == "deliver" ? "->>" : "-x"));
    const std::string text = arrow[4];
    CHECK(text.starts_with(milliseconds(message.time) + " "));
    CHECK(text.size() < 120);
    if (message.kind == "corrupt") CHECK(text.ends_with(" corrupted"));
  }
}

bool has_note(const parsed_diagram& diagram, const std::string& over, const std::string& text) {
  return std::any_of(diagram.notes.begin(), diagram.notes.end(), [&](const std::smatch& note) {
    const std::string span = note[3].matched ? note[1].str() + "," + note[3].str() : note[1].str();
    return span == over && note[4].str().find(text) != std::string::npos;
  });
}

}  // namespace

TEST_CASE("mermaid: a short run is a sequence diagram with an arrow per message and notes for the rest") {
  const std::string path = small_trace();
  const trace_summary summary = summarize(path);
  REQUIRE(summary.count("drop") > 0);
  REQUIRE(summary.count("corrupt") > 0);
  const parsed_diagram diagram = parse_diagram(traces::render_mermaid(path, {}));
  CHECK(diagram.participants == std::vector<std::string>{"n0", "n1", "n2", "c0", "c1"});
  check_arrows(diagram, summary);
  // Notes: one per client history record, the crash and the restart over
  // n1, the partition and the heal over every lifeline; no timers.
  CHECK(has_note(diagram, "n1", "300.000ms crash n1 for 200ms"));
  CHECK(has_note(diagram, "n1", "500.000ms restart, incarnation 1"));
  CHECK(has_note(diagram, "n0,c1", "600.000ms partition [n0 c0] [n1 n2 c1]"));
  CHECK(has_note(diagram, "n0,c1", "heal"));
  const std::size_t restarts = 1;
  const std::size_t phases = 1;
  CHECK(diagram.notes.size() == summary.count("history") + summary.count("fault") + restarts + phases);
  CHECK(std::none_of(diagram.lines.begin(), diagram.lines.end(),
                     [](const std::string& line) { return line.find("timer") != std::string::npos; }));

  traces::mermaid_options with_timers;
  with_timers.timers = true;
  const parsed_diagram timed = parse_diagram(traces::render_mermaid(path, with_timers));
  CHECK(timed.notes.size() == diagram.notes.size() + summary.count("timer"));
  CHECK(timed.arrows.size() == diagram.arrows.size());
}

TEST_CASE("mermaid: a failed run's diagram ends with the violation over every lifeline") {
  const std::string path = failing_trace();
  const trace_summary summary = summarize(path);
  REQUIRE(summary.footer.contains("violation"));
  traces::mermaid_options options;
  options.lines_max = 100000;
  const parsed_diagram diagram = parse_diagram(traces::render_mermaid(path, options));
  check_arrows(diagram, summary);
  REQUIRE(!diagram.notes.empty());
  const std::smatch& last = diagram.notes.back();
  CHECK(last[1] == diagram.participants.front());
  CHECK(last[3] == diagram.participants.back());
  const nlohmann::json& violation = summary.footer["violation"];
  CHECK(last[4].str().starts_with(milliseconds(violation["time_ns"]) + " violation of raft.log_safety"));
  CHECK(diagram.lines.back() == last[0].str());
}

TEST_CASE("mermaid: a diagram over the line limit is refused, saying to shrink the run") {
  const std::string path = small_trace();
  traces::mermaid_options options;
  options.lines_max = 50;
  CHECK_THROWS_WITH_AS(traces::render_mermaid(path, options), doctest::Contains("more than the limit of 50"),
                       traces::diagram_too_long);
  CHECK_THROWS_WITH_AS(traces::render_mermaid(path, options), doctest::Contains("syncsim shrink"),
                       traces::diagram_too_long);
  options.lines_max = split_lines(traces::render_mermaid(path, {})).size();
  CHECK_NOTHROW(traces::render_mermaid(path, options));
  options.lines_max--;
  CHECK_THROWS_AS(traces::render_mermaid(path, options), traces::diagram_too_long);
}

namespace {

// ---- Perfetto ----

using json = nlohmann::json;

using thread_key = std::pair<std::uint64_t, std::uint64_t>;

thread_key thread_of(const json& event) {
  return {event["pid"].get<std::uint64_t>(), event["tid"].get<std::uint64_t>()};
}

std::int64_t nanoseconds(const json& microseconds) { return std::llround(microseconds.get<double>() * 1000.0); }

// Every event has a phase; every one but metadata a time; every one but a
// global instant a process, named by metadata, as is every thread.
void check_event_fields(const json& events) {
  std::set<std::uint64_t> named_processes;
  std::set<std::uint64_t> sorted_processes;
  std::set<thread_key> named_threads;
  std::map<std::uint64_t, std::uint64_t> process_of_thread;
  for (const json& event : events) {
    // Thread ids are unique across processes: Perfetto finds some threads
    // by tid alone.
    if (event.contains("tid")) {
      const auto [pid, tid] = thread_of(event);
      CHECK(process_of_thread.try_emplace(tid, pid).first->second == pid);
    }
    if (event["ph"] != "M") continue;
    if (event["name"] == "process_name") named_processes.insert(event["pid"].get<std::uint64_t>());
    if (event["name"] == "process_sort_index") sorted_processes.insert(event["pid"].get<std::uint64_t>());
    if (event["name"] == "thread_name") named_threads.insert(thread_of(event));
  }
  for (const json& event : events) {
    REQUIRE(event.contains("ph"));
    REQUIRE(event["ph"].is_string());
    if (event["ph"] == "M") continue;
    REQUIRE(event["ts"].is_number());
    CHECK(event["ts"].get<double>() >= 0);
    if (event["ph"] == "i" && event["s"] == "g") continue;
    REQUIRE(event["pid"].is_number_unsigned());
    REQUIRE(event["tid"].is_number_unsigned());
    CHECK(named_processes.contains(event["pid"].get<std::uint64_t>()));
    CHECK(sorted_processes.contains(event["pid"].get<std::uint64_t>()));
    CHECK(named_threads.contains(thread_of(event)));
    if (event["ph"] == "X") CHECK(event["dur"].get<double>() >= 0);
  }
}

// Servers first: process n0 is pid 1, and no client sorts before a server.
void check_process_order(const json& events) {
  std::map<std::uint64_t, std::string> names;
  for (const json& event : events) {
    if (event["ph"] == "M" && event["name"] == "process_name")
      names[event["pid"].get<std::uint64_t>()] = event["args"]["name"];
  }
  REQUIRE(!names.empty());
  CHECK(names.begin()->first == 1);
  CHECK(names.begin()->second == "n0");
  bool client_seen = false;
  for (const auto& [pid, name] : names) {
    if (name.starts_with("c")) client_seen = true;
    if (name.starts_with("n")) CHECK_MESSAGE(!client_seen, name << " sorts after a client");
  }
}

struct span {
  double start = 0;
  double end = 0;
};
std::map<thread_key, std::vector<span>> complete_slices(const json& events) {
  std::map<thread_key, std::vector<span>> slices;
  for (const json& event : events) {
    if (event["ph"] != "X") continue;
    const double start = event["ts"];
    slices[thread_of(event)].push_back({start, start + event["dur"].get<double>()});
  }
  return slices;
}

// Perfetto drops slices that overlap without nesting: on each thread, two
// slices are disjoint or one holds the other.
void check_nesting(const std::map<thread_key, std::vector<span>>& slices) {
  const double tolerance = 1e-6;
  for (auto [thread, spans] : slices) {
    std::stable_sort(spans.begin(), spans.end(), [](const span& a, const span& b) {
      return a.start < b.start || (a.start == b.start && a.end > b.end);
    });
    std::vector<span> open;
    for (const span& item : spans) {
      while (!open.empty() && open.back().end <= item.start + tolerance) open.pop_back();
      if (!open.empty())
        CHECK_MESSAGE(item.end <= open.back().end + tolerance,
                      "pid " << thread.first << " tid " << thread.second << " at " << item.start);
      open.push_back(item);
    }
  }
}

// Each delivery is one flow: one start on the sender when the message left,
// one end on the receiver when it arrived, each inside a slice of its thread
// (Perfetto binds a flow to the slice around it).
void check_flows(const json& events, const trace_summary& summary) {
  const auto slices = complete_slices(events);
  check_nesting(slices);
  auto inside_slice = [&](const json& event) {
    const auto found = slices.find(thread_of(event));
    if (found == slices.end()) return false;
    const double time = event["ts"];
    return std::any_of(found->second.begin(), found->second.end(),
                       [&](const span& item) { return item.start <= time && time <= item.end; });
  };
  std::map<std::uint64_t, std::pair<std::vector<std::int64_t>, std::vector<std::int64_t>>> flows;
  for (const json& event : events) {
    if (event["ph"] != "s" && event["ph"] != "f") continue;
    CHECK(inside_slice(event));
    auto& [starts, ends] = flows[event["id"].get<std::uint64_t>()];
    (event["ph"] == "s" ? starts : ends).push_back(nanoseconds(event["ts"]));
    if (event["ph"] == "f") CHECK(event["bp"] == "e");
  }
  std::multiset<std::pair<std::int64_t, std::int64_t>> flow_times;
  for (const auto& [id, times] : flows) {
    REQUIRE(times.first.size() == 1);
    REQUIRE(times.second.size() == 1);
    CHECK(times.first[0] <= times.second[0]);
    flow_times.insert({times.first[0], times.second[0]});
  }
  std::multiset<std::pair<std::int64_t, std::int64_t>> delivery_times;
  for (const message_line& message : summary.messages) {
    if (message.kind == "deliver") delivery_times.insert({message.sent, message.time});
  }
  CHECK(flows.size() == summary.count("deliver"));
  CHECK(flow_times == delivery_times);
}

// Each delivery is a slice named by its message at the trace's time (in
// microseconds); each client operation a slice from invoke to completion.
void check_slices(const json& events, const trace_summary& summary) {
  std::multiset<std::pair<std::int64_t, std::uint64_t>> deliveries;
  std::size_t operations = 0;
  for (const json& event : events) {
    if (event["ph"] == "X" && event["cat"] == "deliver") {
      deliveries.insert({nanoseconds(event["ts"]), event["args"]["id"].get<std::uint64_t>()});
    }
    if (event["ph"] == "X" && event["cat"] == "operation") operations++;
  }
  std::multiset<std::pair<std::int64_t, std::uint64_t>> expected;
  for (const message_line& message : summary.messages) {
    if (message.kind == "deliver") expected.insert({message.time, message.id});
  }
  CHECK(deliveries == expected);
  REQUIRE(summary.invokes > 0);
  CHECK(operations == summary.invokes);
}

json parse_perfetto(const std::string& path, const trace_summary& summary) {
  const json document = json::parse(traces::render_perfetto(path));
  REQUIRE(document.is_object());
  REQUIRE(document["traceEvents"].is_array());
  CHECK(document["displayTimeUnit"] == "ms");
  const json& events = document["traceEvents"];
  check_event_fields(events);
  check_process_order(events);
  check_flows(events, summary);
  check_slices(events, summary);
  return events;
}

std::vector<json> events_named(const json& events, const std::string& name) {
  std::vector<json> found;
  for (const json& event : events) {
    if (event.value("name", "") == name) found.push_back(event);
  }
  return found;
}

}  // namespace

TEST_CASE("perfetto: a short run is valid trace-event JSON with a flow per delivery") {
  const std::string path = small_trace();
  const trace_summary summary = summarize(path);
  const json events = parse_perfetto(path, summary);
  // The crash of n1 from 300ms to its restart at 500ms, and the faults as
  // global instants.
  const std::vector<json> crashed = events_named(events, "crashed");
  REQUIRE(crashed.size() == 1);
  CHECK(nanoseconds(crashed[0]["ts"]) == 300 * sim::millisecond);
  CHECK(nanoseconds(crashed[0]["dur"]) == 200 * sim::millisecond);
  const std::vector<json> crash = events_named(events, "crash n1 for 200ms");
  REQUIRE(crash.size() == 1);
  CHECK(crash[0]["ph"] == "i");
  CHECK(crash[0]["s"] == "g");
  std::size_t lost = 0;
  for (const json& event : events) lost += event["ph"] == "i" && (event["cat"] == "drop" || event["cat"] == "corrupt");
  CHECK(lost == summary.count("drop") + summary.count("corrupt"));
}

TEST_CASE("perfetto: a failed run's timeline ends with the violation") {
  const std::string path = failing_trace();
  const trace_summary summary = summarize(path);
  const json events = parse_perfetto(path, summary);
  const std::vector<json> violation = events_named(events, "violation: raft.log_safety");
  REQUIRE(violation.size() == 1);
  CHECK(violation[0]["ph"] == "i");
  CHECK(violation[0]["s"] == "g");
  CHECK(nanoseconds(violation[0]["ts"]) == summary.footer["violation"]["time_ns"].get<std::int64_t>());
  CHECK(violation[0]["args"]["message"] == summary.footer["violation"]["message"]);
}

TEST_CASE("exporters refuse a truncated, cut or foreign file with its name and line") {
  const std::string source = small_trace();
  const std::vector<std::string> lines = test_support::read_lines(source);
  const std::string path = test_support::temporary_path("render-broken.jsonl");
  auto both_refuse = [&](const std::string& expected) {
    CHECK_THROWS_WITH_AS(traces::render_mermaid(path, {}), doctest::Contains(expected.c_str()), traces::trace_error);
    CHECK_THROWS_WITH_AS(traces::render_perfetto(path), doctest::Contains(expected.c_str()), traces::trace_error);
  };
  // Cut in the middle of line 40, as a killed run leaves it.
  std::vector<std::string> cut(lines.begin(), lines.begin() + 40);
  cut.back().resize(cut.back().size() / 2);
  test_support::write_lines(path, cut);
  both_refuse(path + ":40: malformed JSON");
  // Whole lines but no footer.
  test_support::write_lines(path, std::vector<std::string>(lines.begin(), lines.begin() + 40));
  both_refuse(path + ":41: the trace is truncated (no footer)");
  // A trace from before "sent" was written.
  std::vector<std::string> old = lines;
  const std::size_t delivery = static_cast<std::size_t>(
      std::find_if(old.begin(), old.end(),
                   [](const std::string& line) { return line.find("\"deliver\"") != std::string::npos; }) -
      old.begin());
  REQUIRE(delivery < old.size());
  old[delivery] = std::regex_replace(old[delivery], std::regex(R"(,"sent":[0-9]+)"), "");
  test_support::write_lines(path, old);
  both_refuse(path + ":" + std::to_string(delivery + 1) + ": the deliver event has no \"sent\"");
  // Not a trace at all, and no file.
  test_support::write_lines(path, {"syncsim was here"});
  both_refuse(path + ":1: malformed JSON");
  test_support::write_lines(path, {R"({"type":"event","i":0})"});
  both_refuse(path + ":1: the first line is not a trace header");
  const std::string missing = test_support::temporary_path("render-missing.jsonl");
  CHECK_THROWS_WITH_AS(traces::render_perfetto(missing), doctest::Contains((missing + ":0: cannot open").c_str()),
                       traces::trace_error);
}
