// The network's predicates follow their configured ratios, delays stay
// within their model, links are FIFO unless reordered, partitions count.
#include "doctest/doctest.h"
#include "sim/network.hpp"

namespace {

sim::network two_processes(const sim::link_options& options) {
  return sim::network(2, 99, std::vector<sim::link_options>(4, options));
}

}  // namespace

TEST_CASE("drops and duplicates occur at their configured ratios within 5% relative tolerance") {
  sim::link_options options;
  options.drop = {1, 10};
  options.duplicate = {1, 50};
  sim::network links = two_processes(options);
  const int messages = 200'000;
  int dropped = 0;
  int duplicated = 0;
  for (int i = 0; i < messages; ++i) {
    const sim::delivery_plan plan = links.plan(0, 1, i, 16);
    dropped += plan.dropped ? 1 : 0;
    duplicated += plan.duplicated ? 1 : 0;
  }
  CHECK(dropped > 19'000);   // expected 20,000
  CHECK(dropped < 21'000);
  CHECK(duplicated > 3'800);  // expected 4,000
  CHECK(duplicated < 4'200);
}

TEST_CASE("corruption picks a bit inside the payload at its ratio") {
  sim::link_options options;
  options.corrupt = {1, 100};
  sim::network links = two_processes(options);
  int corrupted = 0;
  for (int i = 0; i < 100'000; ++i) {
    const sim::delivery_plan plan = links.plan(0, 1, 0, 3);
    REQUIRE(plan.corrupt_bit < 24);
    corrupted += plan.corrupted ? 1 : 0;
  }
  CHECK(corrupted > 900);
  CHECK(corrupted < 1'100);
  CHECK_FALSE(links.plan(0, 1, 0, 0).corrupted);  // nothing to flip in an empty payload
}

TEST_CASE("delays lie between the floor and the floor plus the widest tail window") {
  sim::link_options options;
  options.delay = {sim::millisecond, sim::millisecond, 3};
  options.reorder = {1, 1};  // every message unordered: see the raw delays
  sim::network links = two_processes(options);
  sim::time_ns longest = 0;
  int beyond_jitter = 0;
  const int messages = 100'000;
  for (int i = 0; i < messages; ++i) {
    const sim::time_ns delay = links.plan(0, 1, 0, 1).delay;
    REQUIRE(delay >= sim::millisecond);
    REQUIRE(delay <= sim::millisecond + 8 * sim::millisecond);
    longest = std::max(longest, delay);
    beyond_jitter += delay > 2 * sim::millisecond ? 1 : 0;
  }
  CHECK(longest > 5 * sim::millisecond);  // the tail is reached
  // P(window >= 2ms) = 1/2, and then P(delay beyond 2ms) is at least 1/2.
  CHECK(beyond_jitter > messages / 5);
  CHECK(beyond_jitter < messages / 2);
}

TEST_CASE("a link is FIFO unless a message is picked for reordering") {
  sim::link_options options;
  options.delay = {sim::millisecond, 10 * sim::millisecond, 2};
  sim::network fifo = two_processes(options);
  sim::time_ns previous = 0;
  for (int i = 0; i < 10'000; ++i) {
    const sim::time_ns arrival = fifo.plan(0, 1, i, 1).arrival;
    REQUIRE(arrival >= previous);
    previous = arrival;
  }
  options.reorder = {1, 2};
  sim::network reordering = two_processes(options);
  previous = 0;
  int overtaken = 0;
  for (int i = 0; i < 10'000; ++i) {
    const sim::time_ns arrival = reordering.plan(0, 1, i, 1).arrival;
    overtaken += arrival < previous ? 1 : 0;
    previous = std::max(previous, arrival);
  }
  CHECK(overtaken > 100);
  CHECK(reordering.statistics().reordered > 4'000);
}

TEST_CASE("a message's delay depends on its link and index alone, not on other fault rates") {
  sim::link_options lossy;
  lossy.drop = {1, 2};
  lossy.duplicate = {1, 2};
  lossy.corrupt = {1, 2};
  lossy.reorder = {1, 2};
  sim::network with_faults = two_processes(lossy);
  sim::network without_faults = two_processes(sim::link_options{});
  int differences = 0;
  for (int i = 0; i < 1000; ++i) {
    differences += with_faults.plan(0, 1, 0, 8).delay != without_faults.plan(0, 1, 0, 8).delay ? 1 : 0;
  }
  CHECK(differences == 0);
  CHECK(with_faults.statistics().dropped > 400);
  // Another link, or another seed, draws other delays.
  sim::network other_seed(2, 100, std::vector<sim::link_options>(4, sim::link_options{}));
  sim::network same_seed = two_processes(sim::link_options{});
  differences = 0;
  for (int i = 0; i < 100; ++i) differences += other_seed.plan(0, 1, 0, 8).delay != same_seed.plan(0, 1, 0, 8).delay ? 1 : 0;
  CHECK(differences > 50);
}

TEST_CASE("overlapping partitions heal one by one; heal removes all") {
  sim::network links = two_processes(sim::link_options{});
  links.cut(0, 1);
  links.cut(0, 1);
  CHECK_FALSE(links.connected(0, 1));
  CHECK(links.connected(1, 0));
  links.uncut(0, 1);
  CHECK_FALSE(links.connected(0, 1));
  links.uncut(0, 1);
  CHECK(links.connected(0, 1));
  links.cut(1, 0);
  links.heal();
  CHECK(links.connected(1, 0));
  CHECK_FALSE(links.any_partition());
}
