// Raft log compaction: a restarted server rebuilds itself from whatever
// prefix of an InstallSnapshot's writes survived a crash, and the snapshot
// scenario installs snapshots, crashes servers while they do, and stays safe.
#include "doctest/doctest.h"
#include <map>
#include <string_view>

#include "protocols/raft/kv_store.hpp"
#include "protocols/raft/raft_server.hpp"
#include "test/scenario_helpers.hpp"

namespace {

using protocols::raft::log_entry;
using protocols::raft::raft_server;

sim::bytes log_record(std::uint64_t index, std::uint64_t term) {
  sim::bytes record;
  sim::byte_writer writer(record);
  writer.u64(index);
  protocols::raft::write_entry(writer, {term, "write k0 " + std::to_string(index), 7, index});
  return record;
}

// A disk as an install leaves it after a crash: the snapshot through entry
// 10 (term 3) is durable, and the log list still holds entries 1 to 12 of
// the given terms for entries 10 to 12.
sim::disk_state disk_after_install(std::uint64_t term_of_entry_10) {
  sim::disk_state disk;
  protocols::raft::snapshot data{10, 3, 0xabc, 0b111, {}};
  sim::byte_writer(data.state).u32(1).text("k0").text("10").u32(0);
  sim::byte_writer writer(disk.values["snapshot"]);
  protocols::raft::write_snapshot(writer, data);
  for (std::uint64_t index = 1; index <= 12; ++index) {
    disk.lists["log"].push_back(log_record(index, index < 10 ? 2 : term_of_entry_10));
  }
  return disk;
}

struct started_server {
  raft_server server{protocols::raft::raft_options{}, 0, std::make_unique<protocols::raft::kv_store>()};
  sim::effects out;
};

void start(started_server& started, const sim::disk_state& disk) {
  sim::prng random(1);
  const sim::step_context context{{0, 0}, 3, 0, 0, 1, &random};
  started.server.on_start(context, disk, started.out);
}

bool truncates_log_to_empty(const sim::effects& out) {
  for (const sim::effect& item : out.items()) {
    const auto* write = std::get_if<sim::disk_write_effect>(&item);
    if (write != nullptr && write->write.operation == sim::disk_operation::truncate && write->write.key == "log" &&
        write->write.length == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("a restart after an install cut short keeps the log entries that continue the snapshot") {
  started_server started;
  start(started, disk_after_install(3));
  CHECK(started.server.first_index() == 10);
  CHECK(started.server.last_index() == 12);
  CHECK(started.server.commit_index() == 10);
  CHECK(started.server.applied_index() == 10);
  CHECK(started.server.chain_at(10) == 0xabc);
  CHECK(started.server.configuration() == 0b111);
  CHECK_FALSE(truncates_log_to_empty(started.out));
}

TEST_CASE("a restart after an install cut short drops the old log the snapshot replaced") {
  // Entry 10 of term 2 conflicts with the snapshot's entry 10 of term 3:
  // the install's truncation of the old log was lost in the crash.
  started_server started;
  start(started, disk_after_install(2));
  CHECK(started.server.first_index() == 10);
  CHECK(started.server.last_index() == 10);
  CHECK(started.server.term_at(10) == 3);
  CHECK(truncates_log_to_empty(started.out));
}

TEST_CASE("a restart with a snapshot and a log trimmed after it continues from the snapshot") {
  sim::disk_state disk = disk_after_install(3);
  auto& records = disk.lists["log"];
  records.erase(records.begin(), records.begin() + 10);  // the trim after the snapshot was durable too
  started_server started;
  start(started, disk);
  CHECK(started.server.first_index() == 10);
  CHECK(started.server.last_index() == 12);
  CHECK(started.server.term_at(11) == 3);
  CHECK_FALSE(truncates_log_to_empty(started.out));
}

namespace {

// Counts InstallSnapshot deliveries, and crashes of a server within the
// scenario's slowest fsync (8ms) of an InstallSnapshot reaching it: its
// snapshot write or the log trim after it may still be pending.
class install_watcher final : public sim::trace_observer {
 public:
  void on_record(const sim::world& state, const sim::trace_record& record) override {
    if (record.kind == sim::record_kind::deliver && !record.payload.empty() &&
        record.payload[0] == static_cast<std::uint8_t>(protocols::raft::message_type::install_snapshot)) {
      installs++;
      installed_at_[record.to.process] = record.time;
    }
    if (record.kind == sim::record_kind::fault && record.text.starts_with("crash ")) {
      const std::string_view rest = record.text.substr(6);  // "n3 for 20ms"
      const std::int64_t server = state.config().process_by_name(std::string(rest.substr(0, rest.find(' '))));
      const auto installed = installed_at_.find(static_cast<sim::process_id>(server));
      if (installed != installed_at_.end() && record.time - installed->second <= 8 * sim::millisecond) {
        crashes_during_install++;
      }
    }
  }
  void next_run() { installed_at_.clear(); }
  std::uint64_t installs = 0;
  std::uint64_t crashes_during_install = 0;

 private:
  std::map<sim::process_id, sim::time_ns> installed_at_;
};

}  // namespace

TEST_CASE("snapshots are installed, servers crash while installing them, and every run stays safe") {
  const sim::scenario input =
      sim::load_scenario_file(test_support::source_path("scenarios/raft-snapshot-install-crash.json"));
  install_watcher watcher;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    const sim::run_result result = test_support::run_scenario(input, seed, &watcher);
    CHECK(result.passed());
    watcher.next_run();
  }
  MESSAGE("installs ", watcher.installs, ", crashes during an install ", watcher.crashes_during_install);
  CHECK(watcher.installs > 100);
  CHECK(watcher.crashes_during_install >= 20);
}
