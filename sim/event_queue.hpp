#pragma once
// The pending events of a run, ordered by (time, sequence number): equal
// times break ties by the order in which events were scheduled, so the order
// never depends on the heap's internals. A 4-ary implicit heap: shallower
// than a binary heap and cache-friendly at tens of thousands of events.

#include <cstdint>
#include <vector>

#include "sim/assert.hpp"
#include "sim/time.hpp"

namespace sim {

enum class event_kind : std::uint8_t {
  deliver,      // a message arrives at its destination
  timer,        // an actor's timer fires
  fault,        // a scheduled fault takes effect
  resume,       // a paused process resumes
  flush,        // the OS flushes a node's disk (fsync policy "no")
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
  static constexpr std::size_t arity = 4;

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const event& top() const {
    SYNCSIM_ASSERT(!heap_.empty());
    return heap_.front();
  }
  // Assigns the next sequence number; returns it.
  std::uint64_t push(event item) {
    item.sequence = next_sequence_++;
    heap_.push_back(item);
    sift_up(heap_.size() - 1);
    return item.sequence;
  }
  event pop();
  void reserve(std::size_t capacity) { heap_.reserve(capacity); }
  std::uint64_t next_sequence() const { return next_sequence_; }
  // Every pending event, in heap order (for fingerprints and snapshots).
  const std::vector<event>& items() const { return heap_; }

  friend bool operator==(const event_queue&, const event_queue&) = default;

 private:
  void sift_up(std::size_t index);
  void sift_down(std::size_t index);

  std::vector<event> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace sim
