// The event queue orders by (time, sequence) exactly, whatever the heap does.
#include <algorithm>
#include <vector>

#include "doctest/doctest.h"
#include "sim/event_queue.hpp"
#include "sim/prng.hpp"

TEST_CASE("equal times leave in the order they were scheduled") {
  sim::event_queue queue;
  for (std::uint64_t tag = 0; tag < 10; ++tag) queue.push({100, 0, tag, 0, 0, 0, sim::event_kind::timer});
  queue.push({50, 0, 99, 0, 0, 0, sim::event_kind::timer});
  CHECK(queue.pop().first == 99);
  for (std::uint64_t tag = 0; tag < 10; ++tag) CHECK(queue.pop().first == tag);
  CHECK(queue.empty());
}

TEST_CASE("random pushes and pops agree with a sorted reference") {
  sim::prng generator(1);
  sim::event_queue queue;
  std::vector<std::pair<sim::time_ns, std::uint64_t>> reference;
  sim::time_ns now = 0;
  for (int round = 0; round < 20'000; ++round) {
    if (reference.empty() || generator.below(3) != 0) {
      const auto time = now + static_cast<sim::time_ns>(generator.below(1000));
      const std::uint64_t sequence = queue.push({time, 0, 0, 0, 0, 0, sim::event_kind::timer});
      reference.emplace_back(time, sequence);
    } else {
      const auto smallest = std::min_element(reference.begin(), reference.end());
      const sim::event item = queue.pop();
      REQUIRE(item.time == smallest->first);
      REQUIRE(item.sequence == smallest->second);
      reference.erase(smallest);
      now = item.time;
    }
  }
  CHECK(queue.size() == reference.size());
}

TEST_CASE("events far beyond the wheel, and pushes after a peek, keep the exact order") {
  sim::event_queue queue;
  queue.push({10 * sim::second, 0, 1, 0, 0, 0, sim::event_kind::timer});  // overflow
  queue.push({300 * sim::millisecond, 0, 2, 0, 0, 0, sim::event_kind::timer});
  queue.push({5 * sim::millisecond, 0, 3, 0, 0, 0, sim::event_kind::timer});
  CHECK(queue.top().first == 3);
  CHECK(queue.pop().time == 5 * sim::millisecond);
  CHECK(queue.top().first == 2);  // the peek moves the calendar to 300ms
  queue.push({6 * sim::millisecond, 0, 4, 0, 0, 0, sim::event_kind::timer});
  queue.push({300 * sim::millisecond, 0, 5, 0, 0, 0, sim::event_kind::timer});
  CHECK(queue.pop().first == 4);
  CHECK(queue.pop().first == 2);
  CHECK(queue.pop().first == 5);
  CHECK(queue.pop().first == 1);
  CHECK(queue.empty());
}

TEST_CASE("a long random run with peeks and wide delays agrees with a sorted reference") {
  sim::prng generator(2);
  sim::event_queue queue;
  std::vector<std::pair<sim::time_ns, std::uint64_t>> reference;
  sim::time_ns now = 0;
  int mismatches = 0;
  for (int round = 0; round < 50'000; ++round) {
    if (reference.empty() || generator.below(2) == 0) {
      // Delays from zero to about 20s: ready list, wheel and overflow.
      const auto delay = static_cast<sim::time_ns>(generator.below(1000)) << generator.below(25);
      const std::uint64_t sequence = queue.push({now + delay, 0, 0, 0, 0, 0, sim::event_kind::timer});
      reference.emplace_back(now + delay, sequence);
    } else {
      if (generator.below(4) == 0) (void)queue.top();
      const auto smallest = std::min_element(reference.begin(), reference.end());
      const sim::event item = queue.pop();
      mismatches += item.time != smallest->first || item.sequence != smallest->second ? 1 : 0;
      now = item.time;
      reference.erase(smallest);
    }
  }
  CHECK(mismatches == 0);
  CHECK(queue.size() == reference.size());
}
