#include "sim/disk.hpp"

#include <algorithm>

#include "sim/hash.hpp"

namespace sim {

void apply_disk_write(disk_state& state, const disk_write& write) {
  switch (write.operation) {
    case disk_operation::set:
      state.values[write.key] = write.value;
      return;
    case disk_operation::erase:
      state.values.erase(write.key);
      state.lists.erase(write.key);
      return;
    case disk_operation::push:
      state.lists[write.key].push_back(write.value);
      return;
    case disk_operation::truncate: {
      auto found = state.lists.find(write.key);
      if (found == state.lists.end()) return;
      if (found->second.size() > write.length) found->second.resize(write.length);
      return;
    }
    case disk_operation::drop_front: {
      auto found = state.lists.find(write.key);
      if (found == state.lists.end()) return;
      const auto dropped = static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(found->second.size(), write.length));
      found->second.erase(found->second.begin(), found->second.begin() + dropped);
      return;
    }
  }
  SYNCSIM_ASSERT(false);
}

disk::disk(fsync_policy policy, range<time_ns> fsync_delay_ns, time_ns flush_interval_ns)
    : policy_(policy), fsync_delay_ns_(fsync_delay_ns), flush_interval_ns_(flush_interval_ns) {
  SYNCSIM_ASSERT(fsync_delay_ns.minimum >= 0);
  SYNCSIM_ASSERT(fsync_delay_ns.minimum <= fsync_delay_ns.maximum);
  SYNCSIM_ASSERT(flush_interval_ns > 0);
}

time_ns disk::next_background_sync(time_ns now) const {
  // "everysec" fsyncs in the background once per second; "no" leaves it to
  // the operating system's periodic writeback. Both tick on fixed
  // boundaries of virtual time.
  const time_ns period = policy_ == fsync_policy::everysec ? second : flush_interval_ns_;
  return (now / period + 1) * period;
}

time_ns disk::write(const disk_write& write, bool synchronous, time_ns now, prng& random) {
  statistics_.writes++;
  if (policy_ == fsync_policy::always) synchronous = true;
  pending_.push_back({write, next_background_sync(now)});
  if (!synchronous) {
    // An earlier synchronous write may already be due sooner; durability is a
    // prefix of the file, so this write cannot be durable before it.
    if (pending_.size() >= 2) {
      pending_.back().durable_at = std::max(pending_.back().durable_at,
                                            pending_[pending_.size() - 2].durable_at);
    }
    return now;
  }
  return sync(now, random);
}

time_ns disk::sync(time_ns now, prng& random) {
  statistics_.fsyncs++;
  const time_ns latency = random.between(fsync_delay_ns_.minimum, fsync_delay_ns_.maximum);
  busy_until_ = std::max(busy_until_, now) + latency;
  // An fsync makes everything written before it durable at once.
  for (auto entry = pending_.rbegin(); entry != pending_.rend(); ++entry) {
    if (entry->durable_at <= busy_until_) break;
    entry->durable_at = busy_until_;
  }
  return busy_until_;
}

void disk::settle(time_ns now) {
  while (!pending_.empty() && pending_.front().durable_at <= now) {
    apply_disk_write(durable_, pending_.front().write);
    pending_.pop_front();
  }
}

void disk::crash(time_ns now) {
  settle(now);
  statistics_.writes_lost += pending_.size();
  pending_.clear();
  busy_until_ = std::min(busy_until_, now);
}

void disk::wipe() {
  statistics_.writes_lost += pending_.size();
  pending_.clear();
  durable_ = {};
}

const disk_state& disk::durable_state(time_ns now) {
  settle(now);
  return durable_;
}

std::uint64_t disk::fingerprint() const {
  hasher result;
  for (const auto& [key, value] : durable_.values) result.add_string(key).add_bytes(value);
  for (const auto& [key, list] : durable_.lists) {
    result.add_string(key).add(list.size());
    for (const bytes& item : list) result.add_bytes(item);
  }
  for (const pending_write& entry : pending_) {
    result.add(static_cast<std::uint64_t>(entry.write.operation)).add_string(entry.write.key);
    result.add_bytes(entry.write.value).add(entry.write.length).add(
        static_cast<std::uint64_t>(entry.durable_at));
  }
  return result.add(static_cast<std::uint64_t>(busy_until_)).value();
}

}  // namespace sim
