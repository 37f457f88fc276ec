// The simulated disk keeps exactly what was synced when a crash comes.
#include "doctest/doctest.h"
#include "sim/disk.hpp"

namespace {

sim::disk_write set(const std::string& key, std::uint8_t value) {
  return {sim::disk_operation::set, key, {value}, 0};
}

}  // namespace

TEST_CASE("everysec: a crash loses exactly the writes since the last background fsync") {
  sim::prng random(1);
  sim::disk storage(sim::fsync_policy::everysec, sim::range<sim::time_ns>::exactly(0), 30 * sim::second);
  storage.write(set("a", 1), false, 100 * sim::millisecond, random);  // synced at 1s
  storage.write(set("b", 2), false, 900 * sim::millisecond, random);  // synced at 1s
  storage.write(set("c", 3), false, 1200 * sim::millisecond, random); // synced at 2s
  storage.write(set("d", 4), false, 1900 * sim::millisecond, random); // synced at 2s
  storage.crash(1500 * sim::millisecond);
  const sim::disk_state& durable = storage.durable_state(10 * sim::second);
  CHECK(durable.values.size() == 2);
  CHECK(durable.values.count("a") == 1);
  CHECK(durable.values.count("b") == 1);
  CHECK(durable.values.count("c") == 0);
  CHECK(storage.statistics().writes_lost == 2);
}

TEST_CASE("a synchronous write is durable after its fsync latency and delays the node's output") {
  sim::prng random(1);
  const sim::time_ns latency = 700 * sim::microsecond;
  sim::disk storage(sim::fsync_policy::no, sim::range<sim::time_ns>::exactly(latency), 30 * sim::second);
  storage.write(set("unsynced", 1), false, 0, random);
  const sim::time_ns ready = storage.write(set("vote", 2), true, 10, random);
  CHECK(ready == 10 + latency);
  CHECK(storage.busy_until() == 10 + latency);

  sim::disk before = storage;
  before.crash(10 + latency - 1);  // the fsync has not finished: both lost
  CHECK(before.durable_state(sim::second).values.empty());

  storage.crash(10 + latency);  // the fsync covers the earlier write too
  CHECK(storage.durable_state(sim::second).values.size() == 2);
}

TEST_CASE("always: every write is synchronous") {
  sim::prng random(1);
  sim::disk storage(sim::fsync_policy::always, sim::range<sim::time_ns>::exactly(sim::millisecond), sim::second);
  CHECK(storage.write(set("a", 1), false, 0, random) == sim::millisecond);
  CHECK(storage.write(set("b", 1), false, 0, random) == 2 * sim::millisecond);
  CHECK(storage.statistics().fsyncs == 2);
}

TEST_CASE("no: the operating system flushes at its interval") {
  sim::prng random(1);
  sim::disk storage(sim::fsync_policy::no, sim::range<sim::time_ns>::exactly(0), 30 * sim::second);
  storage.write(set("a", 1), false, sim::second, random);
  sim::disk early = storage;
  early.crash(29 * sim::second);
  CHECK(early.durable_state(31 * sim::second).values.empty());
  storage.crash(30 * sim::second);
  CHECK(storage.durable_state(31 * sim::second).values.size() == 1);
}

TEST_CASE("lists support push, truncate and erase; wipe removes everything") {
  sim::prng random(1);
  sim::disk storage(sim::fsync_policy::always, sim::range<sim::time_ns>::exactly(0), sim::second);
  for (std::uint8_t entry = 0; entry < 5; ++entry) {
    storage.write({sim::disk_operation::push, "log", {entry}, 0}, true, 0, random);
  }
  storage.write({sim::disk_operation::truncate, "log", {}, 3}, true, 0, random);
  storage.write(set("term", 7), true, 0, random);
  storage.write({sim::disk_operation::erase, "term", {}, 0}, true, 0, random);
  const sim::disk_state& durable = storage.durable_state(1);
  REQUIRE(durable.lists.count("log") == 1);
  CHECK(durable.lists.at("log") == std::vector<sim::bytes>{{0}, {1}, {2}});
  CHECK(durable.values.empty());
  storage.wipe();
  CHECK(storage.durable_state(2).lists.empty());
}

TEST_CASE("drop_front removes a list's oldest items, at most as many as it holds") {
  sim::prng random(1);
  sim::disk storage(sim::fsync_policy::always, sim::range<sim::time_ns>::exactly(0), sim::second);
  for (std::uint8_t entry = 0; entry < 5; ++entry) {
    storage.write({sim::disk_operation::push, "log", {entry}, 0}, true, 0, random);
  }
  storage.write({sim::disk_operation::drop_front, "log", {}, 2}, true, 0, random);
  CHECK(storage.durable_state(1).lists.at("log") == std::vector<sim::bytes>{{2}, {3}, {4}});
  storage.write({sim::disk_operation::drop_front, "log", {}, 9}, true, 1, random);
  CHECK(storage.durable_state(2).lists.at("log").empty());
  storage.write({sim::disk_operation::drop_front, "missing", {}, 1}, true, 2, random);
  CHECK(storage.durable_state(3).lists.count("missing") == 0);
}
