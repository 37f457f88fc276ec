#include "sim/network.hpp"

#include <algorithm>

#include "sim/assert.hpp"
#include "sim/hash.hpp"

namespace sim {

network::network(std::uint32_t process_count, std::uint64_t seed,
                 const std::vector<link_options>& links)
    : process_count_(process_count) {
  SYNCSIM_ASSERT(links.size() == static_cast<std::size_t>(process_count) * process_count);
  links_.reserve(links.size());
  for (std::size_t link = 0; link < links.size(); ++link) {
    const auto known = std::find(distinct_options_.begin(), distinct_options_.end(), links[link]);
    const auto options_index = static_cast<std::uint32_t>(known - distinct_options_.begin());
    if (known == distinct_options_.end()) distinct_options_.push_back(links[link]);
    links_.push_back({prng::stream(seed, stream_purpose::network, link), 0, 0, options_index});
  }
}

time_ns network::draw_delay(const delay_options& delay, prng& random) const {
  // Jitter is uniform over a window that doubles k times with probability
  // 2^-k: most deliveries take floor..floor+jitter, a few take much longer.
  const std::uint32_t doublings = random.doublings(delay.tail_doublings_max);
  const auto window = static_cast<std::uint64_t>(delay.jitter_ns) << doublings;
  return delay.floor_ns + static_cast<time_ns>(random.below(window + 1));
}

delivery_plan network::plan(std::uint32_t from, std::uint32_t to, time_ns depart,
                            std::size_t payload_size) {
  SYNCSIM_ASSERT(from < process_count_);
  SYNCSIM_ASSERT(to < process_count_);
  link_state& link = links_[index(from, to)];
  const link_options& options = distinct_options_[link.options_index];
  prng& random = link.random;
  statistics_.sent++;

  delivery_plan result;
  result.dropped = random.chance(options.drop);
  result.duplicated = random.chance(options.duplicate);
  result.corrupted = random.chance(options.corrupt);
  result.corrupt_bit = random.below(std::max<std::uint64_t>(1, payload_size * 8));
  const bool reordered = random.chance(options.reorder);
  result.arrival = depart + draw_delay(options.delay, random);
  result.duplicate_arrival = depart + draw_delay(options.delay, random);
  if (payload_size == 0) result.corrupted = false;

  if (reordered) {
    statistics_.reordered++;
  } else {
    result.arrival = std::max(result.arrival, link.last_arrival);
    link.last_arrival = result.arrival;
  }
  if (result.dropped) statistics_.dropped++;
  if (result.duplicated && !result.dropped) statistics_.duplicated++;
  return result;
}

void network::cut(std::uint32_t from, std::uint32_t to) {
  if (from == to) return;
  links_[index(from, to)].cuts++;
}

void network::uncut(std::uint32_t from, std::uint32_t to) {
  if (from == to) return;
  std::uint32_t& cuts = links_[index(from, to)].cuts;
  if (cuts > 0) cuts--;
}

void network::heal() {
  for (link_state& link : links_) link.cuts = 0;
}

void network::stop_losing_messages() {
  for (link_options& options : distinct_options_) {
    options.drop = ratio::never();
    options.corrupt = ratio::never();
  }
}

bool network::any_partition() const {
  return std::any_of(links_.begin(), links_.end(), [](const link_state& link) { return link.cuts > 0; });
}

std::uint64_t network::fingerprint() const {
  hasher result;
  for (const link_state& link : links_) {
    for (std::uint64_t word : link.random.state()) result.add(word);
    result.add(link.cuts).add(static_cast<std::uint64_t>(link.last_arrival)).add(link.options_index);
  }
  return result.value();
}

}  // namespace sim
