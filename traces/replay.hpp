#pragma once
// Replays a trace: re-runs the scenario and seed its header names and
// compares every event line with the trace, stopping at the first one that
// differs.

#include <cstdint>
#include <string>

#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "traces/trace_reader.hpp"

namespace traces {

struct trace_header {
  sim::scenario scenario;
  std::uint64_t seed = 0;
  std::string revision;
};

// Reads line 1 of a trace and parses its scenario. Throws trace_error.
trace_header read_trace_header(const std::string& path);

struct replay_outcome {
  bool identical = true;
  std::uint64_t line = 0;  // the first differing line of the trace file
  std::string expected;    // what the trace says there
  std::string actual;      // what the run produced
  sim::run_result result;
  std::string revision_warning;  // set when the trace came from another build
};

replay_outcome replay_trace(const std::string& path);

}  // namespace traces
