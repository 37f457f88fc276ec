#pragma once
// The trace format, JSON Lines (one object per line):
//   {"type":"header","format":1,"syncsim":"0.1.0","revision":"...","seed":N,"scenario":{...}}
//   {"type":"event","i":0,"t":0,"kind":"start",...}       one per record
//   {"type":"footer","result":"pass","events":N,"records":N,"trace_hash":"...",...}
// Times are nanoseconds of simulated time: "t" when the event happened and,
// on deliver, drop and corrupt lines, "sent" when the message left its
// sender (after the send when it waited for an fsync).
// Event lines are made by format_record alone, so a replay can compare them
// byte for byte.

#include <cstdint>
#include <string>

#include "sim/scenario.hpp"
#include "sim/simulation.hpp"

namespace traces {

inline constexpr int trace_format_version = 1;

std::string format_header(const sim::scenario& input, std::uint64_t seed);
std::string format_record(const sim::world& state, const sim::trace_record& record);
std::string format_footer(const sim::run_result& result);
std::string format_address(const sim::world& state, sim::address where);
std::string hex64(std::uint64_t value);
// Escapes a string for a JSON string literal (without the quotes).
std::string json_escape(const std::string& text);

}  // namespace traces
