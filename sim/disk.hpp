#pragma once
// A node's simulated disk: a Redis-like store of string values and lists,
// persisted through an append-only file under an fsync policy. A write is
// durable from a computed instant on; a crash keeps exactly the writes whose
// instant has passed. Writes are applied lazily, so the store costs nothing
// per event.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "sim/bytes.hpp"
#include "sim/prng.hpp"
#include "sim/scenario.hpp"
#include "sim/time.hpp"

namespace sim {

// What survives a crash: the store a restarted node is rebuilt from.
struct disk_state {
  std::map<std::string, bytes> values;
  std::map<std::string, std::vector<bytes>> lists;
  friend bool operator==(const disk_state&, const disk_state&) = default;
};

enum class disk_operation : std::uint8_t {
  set,        // values[key] = value
  erase,      // remove key from values and lists
  push,       // lists[key].push_back(value)
  truncate,   // lists[key].resize(min(size, length))
  drop_front, // remove the first min(size, length) items of lists[key] (Redis LTRIM)
};

struct disk_write {
  disk_operation operation = disk_operation::set;
  std::string key;
  bytes value;
  std::uint64_t length = 0;
  friend bool operator==(const disk_write&, const disk_write&) = default;
};

void apply_disk_write(disk_state& state, const disk_write& write);

struct disk_statistics {
  std::uint64_t writes = 0;
  std::uint64_t fsyncs = 0;
  std::uint64_t writes_lost = 0;
  friend bool operator==(const disk_statistics&, const disk_statistics&) = default;
};

class disk {
 public:
  disk() = default;
  disk(fsync_policy policy, range<time_ns> fsync_delay_ns, time_ns flush_interval_ns);

  // Records a write issued at `now`. A synchronous write (explicit, or any
  // write under "always") is durable after an fsync latency and makes the
  // node wait for it; returns the instant from which the node's later output
  // may leave. Asynchronous writes return `now`.
  time_ns write(const disk_write& write, bool synchronous, time_ns now, prng& random);
  // An explicit fsync of everything written so far; returns as write() does.
  time_ns sync(time_ns now, prng& random);
  // The instant until which the node's output waits for an fsync.
  time_ns busy_until() const { return busy_until_; }

  // A crash at `now`: writes durable by then survive, the rest are lost.
  void crash(time_ns now);
  // Permanent loss: nothing survives.
  void wipe();
  // The durable store as of `now` (what a restart at `now` would read).
  const disk_state& durable_state(time_ns now);
  // Writes issued but not yet durable.
  std::size_t pending_writes() const { return pending_.size(); }
  const disk_statistics& statistics() const { return statistics_; }
  std::uint64_t fingerprint() const;

  friend bool operator==(const disk&, const disk&) = default;

 private:
  struct pending_write {
    disk_write write;
    time_ns durable_at = 0;
    friend bool operator==(const pending_write&, const pending_write&) = default;
  };
  time_ns next_background_sync(time_ns now) const;
  void settle(time_ns now);

  fsync_policy policy_ = fsync_policy::always;
  range<time_ns> fsync_delay_ns_ = range<time_ns>::exactly(0);
  time_ns flush_interval_ns_ = 30 * second;
  disk_state durable_;
  std::deque<pending_write> pending_;
  time_ns busy_until_ = 0;
  disk_statistics statistics_;
};

}  // namespace sim
