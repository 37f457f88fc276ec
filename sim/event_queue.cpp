#include "sim/event_queue.hpp"

#include <algorithm>
#include <bit>
#include <functional>

namespace sim {
namespace {

// std::push_heap and friends build a max-heap; "after" makes it a min-heap.
// A function object, so that sorting inlines the comparison.
struct event_after_order {
  bool operator()(const event& left, const event& right) const { return event_before(right, left); }
};
constexpr event_after_order event_after;

constexpr std::size_t wheel_mask = event_queue::wheel_buckets - 1;
static_assert((event_queue::wheel_buckets & wheel_mask) == 0, "the wheel size is a power of two");

}  // namespace

event_queue::event_queue() : wheel_(wheel_buckets), occupied_(wheel_buckets / 64, 0) {}

void event_queue::push_ready(const event& item) {
  SYNCSIM_ASSERT(ready_bodies_.size() < max_bodies);
  const uint128 key = key_of(item, ready_bodies_.size());
  ready_bodies_.push_back(item);
  // Keys descend; usually the newest event is the latest and goes first.
  const auto position = std::upper_bound(ready_keys_.begin(), ready_keys_.end(), key, std::greater<uint128>());
  ready_keys_.insert(position, key);
}

void event_queue::push_wheel(const event& item, std::int64_t bucket) {
  const auto slot = static_cast<std::size_t>(bucket) & wheel_mask;
  // A bucket that starts filling takes the buffer consumed most recently,
  // which is still in the cache, rather than one untouched for a turn.
  if (wheel_[slot].capacity() == 0 && !spare_buffers_.empty()) {
    wheel_[slot].swap(spare_buffers_.back());
    spare_buffers_.pop_back();
  }
  wheel_[slot].push_back(item);
  occupied_[slot / 64] |= std::uint64_t{1} << (slot % 64);
}

std::uint64_t event_queue::push(event item) {
  SYNCSIM_ASSERT(item.time >= last_popped_time_);
  SYNCSIM_ASSERT(next_sequence_ < (std::uint64_t{1} << (64 - body_bits)));
  item.sequence = next_sequence_++;
  const std::int64_t bucket = bucket_of(item.time);
  size_++;
  if (bucket <= current_bucket_) {
    // A peek may have moved the calendar past this time already; the ready
    // list is sorted and precedes everything else, so the event goes there.
    push_ready(item);
  } else if (bucket < current_bucket_ + static_cast<std::int64_t>(wheel_buckets)) {
    push_wheel(item, bucket);
  } else {
    overflow_.push_back(item);
    std::push_heap(overflow_.begin(), overflow_.end(), event_after);
  }
  return item.sequence;
}

// The nearest non-empty wheel bucket after the current one, or -1. Every
// wheel event lies within one turn ahead, so a slot maps to one bucket.
std::int64_t event_queue::next_wheel_bucket() const {
  const std::size_t start = (static_cast<std::size_t>(current_bucket_) + 1) & wheel_mask;
  for (std::size_t scanned = 0; scanned < wheel_buckets + 64; scanned += 64) {
    const std::size_t position = (start + scanned) & wheel_mask;
    const std::size_t word = position / 64;
    std::uint64_t bits = occupied_[word] >> (position % 64);
    if (bits == 0 && position % 64 != 0) {
      // The rest of this word is empty; continue at the next word boundary.
      scanned -= position % 64;
      continue;
    }
    if (bits != 0) {
      const std::size_t slot = position + static_cast<std::size_t>(std::countr_zero(bits));
      const std::size_t distance = (slot - static_cast<std::size_t>(current_bucket_)) & wheel_mask;
      return current_bucket_ + static_cast<std::int64_t>(distance == 0 ? wheel_buckets : distance);
    }
  }
  return -1;
}

// Moves to the next non-empty bucket and sorts it into ready_.
void event_queue::advance() const {
  SYNCSIM_ASSERT(ready_keys_.empty());
  SYNCSIM_ASSERT(size_ > 0);
  std::int64_t bucket = next_wheel_bucket();
  if (!overflow_.empty()) {
    const std::int64_t overflow_bucket = bucket_of(overflow_.front().time);
    if (bucket < 0 || overflow_bucket < bucket) bucket = overflow_bucket;
  }
  SYNCSIM_ASSERT(bucket > current_bucket_);
  current_bucket_ = bucket;
  const auto slot = static_cast<std::size_t>(bucket) & wheel_mask;
  ready_bodies_.clear();
  if ((occupied_[slot / 64] >> (slot % 64)) & 1) {
    if (ready_bodies_.capacity() > 0) spare_buffers_.push_back(std::move(ready_bodies_));
    ready_bodies_ = std::move(wheel_[slot]);
    wheel_[slot] = std::vector<event>();
    occupied_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
  }
  while (!overflow_.empty() && bucket_of(overflow_.front().time) == bucket) {
    std::pop_heap(overflow_.begin(), overflow_.end(), event_after);
    ready_bodies_.push_back(overflow_.back());
    overflow_.pop_back();
  }
  SYNCSIM_ASSERT(ready_bodies_.size() < max_bodies);
  ready_keys_.resize(ready_bodies_.size());
  for (std::size_t body = 0; body < ready_bodies_.size(); ++body) {
    ready_keys_[body] = key_of(ready_bodies_[body], body);
  }
  std::sort(ready_keys_.begin(), ready_keys_.end(), std::greater<uint128>());
}

const event& event_queue::top() const {
  SYNCSIM_ASSERT(size_ > 0);
  if (ready_keys_.empty()) advance();
  return ready_bodies_[body_of(ready_keys_.back())];
}

event event_queue::pop() {
  const event result = top();
  ready_keys_.pop_back();
  size_--;
  last_popped_time_ = result.time;
  return result;
}

std::vector<event> event_queue::items() const {
  std::vector<event> result;
  for (const uint128 key : ready_keys_) result.push_back(ready_bodies_[body_of(key)]);
  for (const auto& bucket : wheel_) result.insert(result.end(), bucket.begin(), bucket.end());
  result.insert(result.end(), overflow_.begin(), overflow_.end());
  std::sort(result.begin(), result.end(), event_before);
  return result;
}

}  // namespace sim
