// The PRNG against the reference algorithms' published outputs, and the
// exactness of its integer ranges and ratios.
#include <array>
#include <vector>

#include "doctest/doctest.h"
#include "sim/prng.hpp"

TEST_CASE("splitmix64 matches the reference outputs for seed 0") {
  sim::splitmix64 generator(0);
  CHECK(generator.next() == 0xe220a8397b1dcdafULL);
  CHECK(generator.next() == 0x6e789e6aa1b965f4ULL);
  CHECK(generator.next() == 0x06c45d188009454fULL);
  CHECK(generator.next() == 0xf88bb8a8724c81ecULL);
  CHECK(generator.next() == 0x1b39896a51a8749bULL);
}

TEST_CASE("xoshiro256** matches the reference outputs from state {1, 2, 3, 4}") {
  auto generator = sim::prng::from_state({1, 2, 3, 4});
  CHECK(generator.next() == 11520ULL);
  CHECK(generator.next() == 0ULL);
  CHECK(generator.next() == 1509978240ULL);
  CHECK(generator.next() == 1215971899390074240ULL);
  CHECK(generator.next() == 1216172134540287360ULL);
  CHECK(generator.next() == 607988272756665600ULL);
}

TEST_CASE("seeding through splitmix64 matches the reference for seed 42") {
  sim::prng generator(42);
  CHECK(generator.next() == 0x15780b2e0c2ec716ULL);
  CHECK(generator.next() == 0x6104d9866d113a7eULL);
  CHECK(generator.next() == 0xae17533239e499a1ULL);
  CHECK(generator.next() == 0xecb8ad4703b360a1ULL);
}

TEST_CASE("below stays in range and hits every value of a small range evenly") {
  sim::prng generator(7);
  std::array<int, 6> counts{};
  const int draws = 60'000;
  for (int i = 0; i < draws; ++i) {
    const std::uint64_t value = generator.below(6);
    REQUIRE(value < 6);
    counts[value]++;
  }
  for (int count : counts) {
    CHECK(count > 9'500);
    CHECK(count < 10'500);
  }
  CHECK(generator.below(1) == 0);
}

TEST_CASE("between covers both ends, including the full 64-bit range") {
  sim::prng generator(9);
  bool saw_minimum = false;
  bool saw_maximum = false;
  for (int i = 0; i < 1000; ++i) {
    const std::int64_t value = generator.between(-2, 2);
    REQUIRE(value >= -2);
    REQUIRE(value <= 2);
    saw_minimum = saw_minimum || value == -2;
    saw_maximum = saw_maximum || value == 2;
  }
  CHECK(saw_minimum);
  CHECK(saw_maximum);
  CHECK(generator.between(5, 5) == 5);
  generator.between(INT64_MIN, INT64_MAX);
}

TEST_CASE("chance follows its integer ratio and always consumes one draw") {
  sim::prng generator(11);
  int hits = 0;
  const int draws = 100'000;
  for (int i = 0; i < draws; ++i) hits += generator.chance({1, 4}) ? 1 : 0;
  CHECK(hits > 24'000);
  CHECK(hits < 26'000);

  sim::prng never(3);
  sim::prng always(3);
  CHECK_FALSE(never.chance({0, 1}));
  CHECK(always.chance({1, 1}));
  CHECK(never == always);  // the same number of draws whatever the ratio
}

TEST_CASE("doublings is geometric and capped") {
  sim::prng generator(13);
  int at_least_one = 0;
  int at_least_two = 0;
  const int draws = 100'000;
  for (int i = 0; i < draws; ++i) {
    const std::uint32_t value = generator.doublings(3);
    REQUIRE(value <= 3);
    at_least_one += value >= 1 ? 1 : 0;
    at_least_two += value >= 2 ? 1 : 0;
  }
  CHECK(at_least_one > 49'000);
  CHECK(at_least_one < 51'000);
  CHECK(at_least_two > 24'000);
  CHECK(at_least_two < 26'000);
}

TEST_CASE("streams split by purpose and index are independent and reproducible") {
  auto network = sim::prng::stream(5, sim::stream_purpose::network, 0);
  auto network_again = sim::prng::stream(5, sim::stream_purpose::network, 0);
  auto other_link = sim::prng::stream(5, sim::stream_purpose::network, 1);
  auto faults = sim::prng::stream(5, sim::stream_purpose::faults, 0);
  const std::uint64_t first = network.next();
  CHECK(first == network_again.next());
  CHECK(first != other_link.next());
  CHECK(first != faults.next());
}
