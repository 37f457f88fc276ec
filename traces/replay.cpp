#include "traces/replay.hpp"

#include <fstream>

#include "protocols/registry.hpp"
#include "syncsim_version.hpp"
#include "traces/trace_format.hpp"

namespace traces {
namespace {

// Compares each record the run produces with the trace's next line.
class comparing_observer final : public sim::trace_observer {
 public:
  comparing_observer(const std::string& path, std::ifstream& input, replay_outcome& outcome)
      : path_(path), input_(input), outcome_(outcome) {}

  void on_record(const sim::world& state, const sim::trace_record& record) override {
    if (!outcome_.identical) return;
    const std::string actual = format_record(state, record);
    std::string expected;
    line_++;
    if (!std::getline(input_, expected)) {
      throw trace_error(path_ + ":" + std::to_string(line_) + ": the trace is truncated (no footer)");
    }
    if (expected != actual) diverge(expected, actual);
  }
  void diverge(const std::string& expected, const std::string& actual) {
    outcome_.identical = false;
    outcome_.line = line_;
    outcome_.expected = expected;
    outcome_.actual = actual;
  }
  std::uint64_t line() const { return line_; }
  std::uint64_t next_line() { return ++line_; }

 private:
  const std::string& path_;
  std::ifstream& input_;
  replay_outcome& outcome_;
  std::uint64_t line_ = 1;
};

void compare_footer(const std::string& path, std::ifstream& input, comparing_observer& observer,
                    replay_outcome& outcome) {
  const std::string actual = format_footer(outcome.result);
  std::string expected;
  const std::uint64_t number = observer.next_line();
  if (!std::getline(input, expected)) {
    throw trace_error(path + ":" + std::to_string(number) + ": the trace is truncated (no footer)");
  }
  if (expected != actual) {
    check_trace_line(path, number, expected);
    observer.diverge(expected, actual);
  }
}

}  // namespace

trace_header read_trace_header(const std::string& path) {
  const trace_reader reader(path);
  trace_header result;
  result.seed = reader.header().seed;
  result.revision = reader.header().revision;
  try {
    result.scenario = sim::parse_scenario(reader.header().scenario_json, path + ":1 (header scenario)");
  } catch (const sim::scenario_error& error) {
    throw trace_error(error.what());
  }
  result.scenario.source_file = reader.header().scenario_file;
  return result;
}

replay_outcome replay_trace(const std::string& path) {
  const trace_header header = read_trace_header(path);
  replay_outcome outcome;
  if (header.revision != SYNCSIM_GIT_REVISION) {
    outcome.revision_warning = "the trace was recorded by revision " + header.revision + ", this is " +
                               SYNCSIM_GIT_REVISION + ": differences may come from the build";
  }
  std::shared_ptr<const sim::system> behaviour;
  try {
    behaviour = protocols::configure_system(header.scenario);
  } catch (const sim::scenario_error& error) {
    throw trace_error(path + ":1: " + error.what());
  }
  std::ifstream input(path, std::ios::binary);
  std::string skipped;
  std::getline(input, skipped);
  comparing_observer observer(path, input, outcome);
  sim::simulation run(sim::resolve_run_config(header.scenario, header.seed), behaviour);
  run.set_observer(&observer);
  while (outcome.identical && run.step()) {
  }
  outcome.result = run.result();
  if (outcome.identical) compare_footer(path, input, observer, outcome);
  return outcome;
}

}  // namespace traces
