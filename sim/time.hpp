#pragma once
// Virtual time: signed 64-bit integer nanoseconds since the start of a run.
// Integers only, so that every platform orders events identically.

#include <cstdint>
#include <string>

namespace sim {

using time_ns = std::int64_t;

inline constexpr time_ns nanosecond = 1;
inline constexpr time_ns microsecond = 1'000;
inline constexpr time_ns millisecond = 1'000'000;
inline constexpr time_ns second = 1'000'000'000;
inline constexpr time_ns time_never = INT64_MAX;

// Formats a duration the way scenarios write it ("150ms", "2s", "1500us"),
// choosing the largest unit that represents it exactly.
std::string format_duration(time_ns duration);

}  // namespace sim
