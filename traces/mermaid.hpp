#pragma once
// A trace as a Mermaid sequence diagram, for reading a short run (a shrunk
// one) message by message: one lifeline per process, an arrow per delivered,
// lost or corrupted message, notes for faults, restarts, client operations,
// the phase change and the violation.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace traces {

struct mermaid_options {
  bool timers = false;  // a note for every timer that fires
  std::uint64_t lines_max = 3000;
};

// The diagram would be longer than mermaid_options::lines_max: what() says
// how long and what to do instead.
class diagram_too_long : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The diagram of the trace at `path`. Throws trace_error (a malformed or
// truncated trace) and diagram_too_long.
std::string render_mermaid(const std::string& path, const mermaid_options& options);

}  // namespace traces
