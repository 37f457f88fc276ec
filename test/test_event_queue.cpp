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
  for (int round = 0; round < 20'000; ++round) {
    if (reference.empty() || generator.below(3) != 0) {
      const auto time = static_cast<sim::time_ns>(generator.below(1000));
      const std::uint64_t sequence = queue.push({time, 0, 0, 0, 0, 0, sim::event_kind::timer});
      reference.emplace_back(time, sequence);
    } else {
      const auto smallest = std::min_element(reference.begin(), reference.end());
      const sim::event item = queue.pop();
      REQUIRE(item.time == smallest->first);
      REQUIRE(item.sequence == smallest->second);
      reference.erase(smallest);
    }
    REQUIRE(queue.size() == reference.size());
  }
}
