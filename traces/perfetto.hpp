#pragma once
// A trace as Chrome trace-event JSON, which ui.perfetto.dev opens: one
// process per node (servers first), a thread per protocol instance with a
// slice for each message, timer and start it handles, flow arrows from each
// message's sender to its receiver, client operations as slices from invoke
// to completion, crashed intervals, and the faults, the phase change and the
// violation as global instants. Timestamps are simulated microseconds.

#include <string>

namespace traces {

// The JSON of the trace at `path`. Throws trace_error (a malformed or
// truncated trace).
std::string render_perfetto(const std::string& path);

}  // namespace traces
