#pragma once
// A node's local clock: it runs fast or slow by a rate error in parts per
// million. Timers are set in local time, so a fast clock fires them early in
// true (virtual) time. Integer arithmetic only.

#include <cstdint>

#include "sim/assert.hpp"
#include "sim/time.hpp"
#include "sim/wide_integer.hpp"

namespace sim {

inline constexpr std::int64_t parts_per_million = 1'000'000;
inline constexpr std::int64_t drift_ppm_limit = 100'000;

class drifting_clock {
 public:
  drifting_clock() = default;
  explicit drifting_clock(std::int64_t drift_ppm) { set_drift(drift_ppm, 0); }

  // Changes the rate from `now` on, keeping the local reading continuous.
  void set_drift(std::int64_t drift_ppm, time_ns now) {
    SYNCSIM_ASSERT(drift_ppm > -drift_ppm_limit - 1);
    SYNCSIM_ASSERT(drift_ppm < drift_ppm_limit + 1);
    local_at_anchor_ns_ = local_time(now);
    anchor_ns_ = now;
    drift_ppm_ = drift_ppm;
  }
  std::int64_t drift_ppm() const { return drift_ppm_; }

  // The local reading at true time `now`.
  time_ns local_time(time_ns now) const {
    if (drift_ppm_ == 0) return local_at_anchor_ns_ + (now - anchor_ns_);
    const int128 elapsed = now - anchor_ns_;
    const int128 scaled = elapsed * (parts_per_million + drift_ppm_) / parts_per_million;
    return local_at_anchor_ns_ + static_cast<time_ns>(scaled);
  }

  // How much true time passes while the local clock advances `local_delay`,
  // rounded up so that a timer never fires before its local deadline.
  time_ns true_delay(time_ns local_delay) const {
    SYNCSIM_ASSERT(local_delay >= 0);
    if (drift_ppm_ == 0) return local_delay;
    const int128 rate = parts_per_million + drift_ppm_;
    const int128 numerator = static_cast<int128>(local_delay) * parts_per_million;
    return static_cast<time_ns>((numerator + rate - 1) / rate);
  }

  friend bool operator==(const drifting_clock&, const drifting_clock&) = default;

 private:
  time_ns anchor_ns_ = 0;
  time_ns local_at_anchor_ns_ = 0;
  std::int64_t drift_ppm_ = 0;
};

}  // namespace sim
