// Clock drift changes when timers fire, by exactly the configured rate.
#include "doctest/doctest.h"
#include "sim/clock.hpp"

TEST_CASE("a fast clock fires timers early and a slow one late, by the drift rate") {
  const sim::drifting_clock exact(0);
  const sim::drifting_clock fast(1000);   // +0.1%
  const sim::drifting_clock slow(-2000);  // -0.2%
  const sim::time_ns local_delay = 10 * sim::second;
  CHECK(exact.true_delay(local_delay) == 10 * sim::second);
  // 10s / 1.001 = 9.99000999...s, rounded up to the nanosecond.
  CHECK(fast.true_delay(local_delay) == 9'990'009'991);
  // 10s / 0.998 = 10.02004008...s.
  CHECK(slow.true_delay(local_delay) == 10'020'040'081);
}

TEST_CASE("the local reading runs at the drifted rate and stays continuous when drift changes") {
  sim::drifting_clock clock(500);
  CHECK(clock.local_time(sim::second) == sim::second + 500 * sim::microsecond);
  clock.set_drift(-500, sim::second);
  CHECK(clock.local_time(sim::second) == sim::second + 500 * sim::microsecond);
  CHECK(clock.local_time(2 * sim::second) == 2 * sim::second);
}

TEST_CASE("a timer never fires before its local deadline") {
  for (std::int64_t drift = -100'000; drift <= 100'000; drift += 7'919) {
    const sim::drifting_clock clock(drift);
    for (sim::time_ns delay : {1LL, 999LL, 150'000'000LL, 3'000'000'007LL}) {
      const sim::time_ns fire = clock.true_delay(delay);
      CHECK(clock.local_time(fire) >= delay);
      CHECK(clock.local_time(fire - 1) < delay);
    }
  }
}
