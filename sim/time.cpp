#include "sim/time.hpp"

namespace sim {

std::string format_duration(time_ns duration) {
  struct unit {
    time_ns size;
    const char* suffix;
  };
  static constexpr unit units[] = {{60 * second, "m"}, {second, "s"}, {millisecond, "ms"},
                                   {microsecond, "us"}};
  if (duration == 0) return "0s";
  for (const unit& candidate : units) {
    if (duration % candidate.size == 0) {
      return std::to_string(duration / candidate.size) + candidate.suffix;
    }
  }
  return std::to_string(duration) + "ns";
}

}  // namespace sim
