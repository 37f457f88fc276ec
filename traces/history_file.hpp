#pragma once
// A run's client history as JSON Lines, one event per line:
//   {"index":0,"time_ns":1500000,"process":"c0","type":"invoke","f":"write","key":"x","value":"3"}
// Every invoke is later matched by ok, fail or info of the same process.
// `syncsim check-history` reads this format as well as Jepsen's.

#include <string>
#include <vector>

#include "sim/linearizability.hpp"
#include "sim/world.hpp"

namespace traces {

// Throws std::runtime_error naming the file if it cannot be written.
void write_history(const std::string& path, const sim::world& state);
// Throws history_error ("FILE:LINE: message").
std::vector<sim::linearizability::operation> read_history_file(const std::string& path);

}  // namespace traces
