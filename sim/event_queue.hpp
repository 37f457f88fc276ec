#pragma once
// The pending events of a run, handed out in (time, sequence number) order:
// equal times leave in the order they were scheduled, so the order never
// depends on the structure's internals. A calendar queue: a wheel of
// buckets 65.536us wide covers the next 268ms (almost every message and
// timer), a bitmap finds the next non-empty bucket, and a 4-ary heap keeps
// the far future. A bucket is sorted once, when time reaches it, so push and
// pop cost O(1) amortized where a heap costs O(log n).

#include <cstdint>
#include <vector>

#include "sim/assert.hpp"
#include "sim/time.hpp"
#include "sim/wide_integer.hpp"

namespace sim {

enum class event_kind : std::uint8_t {
  deliver,      // a message arrives at its destination
  timer,        // an actor's timer fires
  fault,        // a scheduled fault takes effect
  depart,       // a message that waited for its sender's fsync leaves
};

struct event {
  time_ns time = 0;
  std::uint64_t sequence = 0;
  std::uint64_t first = 0;   // deliver: message slot; timer: timer id; fault: fault index
  std::uint64_t second = 0;  // deliver: message id; timer: generation
  std::uint32_t process = 0;
  std::uint16_t instance = 0;
  event_kind kind = event_kind::deliver;

  friend bool operator==(const event&, const event&) = default;
};

inline bool event_before(const event& left, const event& right) {
  if (left.time != right.time) return left.time < right.time;
  return left.sequence < right.sequence;
}

class event_queue {
 public:
  static constexpr int bucket_width_shift = 16;
  static constexpr std::size_t wheel_buckets = 4096;

  event_queue();
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  // The next event; the queue must not be empty.
  const event& top() const;
  // Assigns the next sequence number and returns it. An event may not be
  // scheduled before the last one handed out (peeking with top() is free).
  std::uint64_t push(event item);
  event pop();
  // The event `ahead` places after the next one, if it is already sorted
  // (in the current bucket); for prefetching only.
  const event* peek_sorted(std::size_t ahead) const {
    if (ahead >= ready_keys_.size()) return nullptr;
    return &ready_bodies_[body_of(ready_keys_[ready_keys_.size() - 1 - ahead])];
  }
  std::uint64_t next_sequence() const { return next_sequence_; }
  // Every pending event in (time, sequence) order, for fingerprints.
  std::vector<event> items() const;

 private:
  // The current bucket is sorted by keys that pack (time, sequence, index of
  // the body in ready_bodies_) into one 128-bit integer: comparing integers
  // is cheaper than comparing and moving whole events.
  static constexpr int body_bits = 20;
  static constexpr std::uint64_t max_bodies = std::uint64_t{1} << body_bits;
  static std::int64_t bucket_of(time_ns time) { return time >> bucket_width_shift; }
  static uint128 key_of(const event& item, std::size_t body) {
    return static_cast<uint128>(static_cast<std::uint64_t>(item.time)) << 64 |
           (item.sequence << body_bits | body);
  }
  static std::size_t body_of(uint128 key) { return static_cast<std::size_t>(key & (max_bodies - 1)); }
  void push_ready(const event& item);
  void push_wheel(const event& item, std::int64_t bucket);
  void advance() const;
  std::int64_t next_wheel_bucket() const;

  // The current bucket: its events, and their keys sorted so that the next
  // one is at the back.
  mutable std::vector<event> ready_bodies_;
  mutable std::vector<uint128> ready_keys_;
  mutable std::int64_t current_bucket_ = 0;
  mutable std::vector<std::vector<event>> wheel_;
  mutable std::vector<std::uint64_t> occupied_;  // one bit per wheel bucket
  mutable std::vector<event> overflow_;          // a min-heap by (time, sequence)
  mutable std::vector<std::vector<event>> spare_buffers_;  // consumed buckets, most recent last
  std::size_t size_ = 0;
  std::uint64_t next_sequence_ = 0;
  time_ns last_popped_time_ = 0;
};

}  // namespace sim
