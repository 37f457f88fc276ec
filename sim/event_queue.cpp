#include "sim/event_queue.hpp"

namespace sim {

event event_queue::pop() {
  SYNCSIM_ASSERT(!heap_.empty());
  event result = heap_.front();
  heap_.front() = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) sift_down(0);
  return result;
}

void event_queue::sift_up(std::size_t index) {
  const event item = heap_[index];
  while (index > 0) {
    const std::size_t parent = (index - 1) / arity;
    if (!event_before(item, heap_[parent])) break;
    heap_[index] = heap_[parent];
    index = parent;
  }
  heap_[index] = item;
}

void event_queue::sift_down(std::size_t index) {
  const event item = heap_[index];
  const std::size_t count = heap_.size();
  while (true) {
    const std::size_t first_child = index * arity + 1;
    if (first_child >= count) break;
    std::size_t best = first_child;
    const std::size_t last_child = first_child + arity < count ? first_child + arity : count;
    for (std::size_t child = first_child + 1; child < last_child; ++child) {
      if (event_before(heap_[child], heap_[best])) best = child;
    }
    if (!event_before(heap_[best], item)) break;
    heap_[index] = heap_[best];
    index = best;
  }
  heap_[index] = item;
}

}  // namespace sim
