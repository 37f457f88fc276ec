#pragma once
// Reads a trace file (traces/trace_format.hpp) a line at a time: the header,
// each event line as a trace_event, then the footer. The exporters read
// traces through it; replay compares raw lines and shares the header and the
// line checks.

#include <cstdint>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/time.hpp"
#include "sim/trace_record.hpp"

namespace traces {

// A trace file that cannot be read: what() is "FILE:LINE: message".
class trace_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What line 1 of a trace says, its scenario still JSON text (parsing it is
// the replay's business; exporters do not need it).
struct trace_header_line {
  std::uint64_t seed = 0;
  std::string revision;       // "unknown" when the header has none
  std::string scenario_file;  // the trace's own path when the header has none
  std::string scenario_name;
  std::string scenario_json;
};

// One event line. Each kind sets the fields its line has; the others stay
// empty or zero.
struct trace_event {
  std::uint64_t line = 0;   // in the trace file, counted from 1
  std::uint64_t index = 0;  // "i"
  sim::time_ns time = 0;    // "t"
  sim::record_kind kind = sim::record_kind::start;
  std::string process;            // start, timer, history
  std::uint64_t incarnation = 0;  // start
  std::uint64_t timer_id = 0;     // timer
  std::string from;               // deliver, drop, corrupt
  std::string to;                 // deliver, drop, corrupt
  std::string channel;            // deliver, drop, corrupt
  std::uint64_t message_id = 0;   // deliver, drop, corrupt
  sim::time_ns sent_at = 0;       // deliver, drop, corrupt: "sent"
  std::string message;            // deliver, drop
  std::string reason;             // drop
  std::string history;            // history: invoke, ok, fail or info
  std::string operation;          // history
  std::string what;               // fault, phase
};

struct trace_violation {
  std::string checker;
  std::string message;
  std::uint64_t event_index = 0;
  sim::time_ns time = 0;
};

struct trace_footer {
  std::uint64_t line = 0;
  std::string result;  // "pass" or "violation"
  sim::time_ns simulated_ns = 0;
  std::optional<trace_violation> violation;
};

class trace_reader {
 public:
  // Opens the trace and reads its header. Throws trace_error.
  explicit trace_reader(std::string path);

  const std::string& path() const { return path_; }
  const trace_header_line& header() const { return header_; }
  // Reads the next event line into `event`, or the footer: then returns
  // false and footer() holds it. Throws trace_error naming the file and the
  // line for a malformed line, a trace that ends without its footer and a
  // line after the footer.
  bool next(trace_event& event);
  // Valid once next() has returned false.
  const trace_footer& footer() const { return footer_; }

 private:
  void read_footer_end();

  std::string path_;
  std::ifstream input_;
  std::uint64_t line_ = 0;
  trace_header_line header_;
  trace_footer footer_;
  bool finished_ = false;
};

// Throws trace_error unless `text`, line `number` of the trace at `path`, is
// a trace line: a JSON object with a string "type".
void check_trace_line(const std::string& path, std::uint64_t number, const std::string& text);

// An address as format_address writes it: "n0", or "n0#1" for instance 1.
struct trace_address {
  std::string process;
  std::uint32_t instance = 0;
};
trace_address parse_address(const std::string& text);

// A fault line's "what" as the world describes it:
// "[end ]KIND [TARGET...] [[GROUP...]...] [PPMppm] [for DURATION]".
struct fault_description {
  bool revert = false;  // "end ...": the fault's duration is over
  std::string kind;     // a sim::fault_kind name
  std::vector<std::string> targets;
};
fault_description parse_fault_text(const std::string& what);

}  // namespace traces
