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
    const std::uint64_t key = hash_combine(hash_combine(mix64(static_cast<std::uint64_t>(stream_purpose::network)), seed), link);
    links_.push_back({key, 0, 0, 0, options_index});
  }
}

namespace {

// The fields of one message's keyed draws. Fixed numbers: a field is the
// same draw whether or not the others are used.
enum field : std::uint64_t {
  drop_field = 1,
  duplicate_field,
  corrupt_field,
  corrupt_bit_field,
  reorder_field,
  delay_fields,                         // two: doublings, then jitter
  duplicate_delay_fields = delay_fields + 2,  // two more
};

}  // namespace

time_ns network::draw_delay(const delay_options& delay, const keyed_draws& draws, std::uint64_t first_field) {
  // Jitter is uniform over a window that doubles k times with probability
  // 2^-k: most deliveries take floor..floor+jitter, a few take much longer.
  const std::uint32_t doublings = draws.doublings(first_field, delay.tail_doublings_max);
  const auto window = static_cast<std::uint64_t>(delay.jitter_ns) << doublings;
  if (window == 0) return delay.floor_ns;
  return delay.floor_ns + static_cast<time_ns>(draws.below(first_field + 1, window + 1));
}

delivery_plan network::plan(std::uint32_t from, std::uint32_t to, time_ns depart,
                            std::size_t payload_size) {
  SYNCSIM_ASSERT(from < process_count_);
  SYNCSIM_ASSERT(to < process_count_);
  link_state& link = links_[index(from, to)];
  const link_options& options = distinct_options_[link.options_index];
  const keyed_draws draws(hash_combine(link.key, link.sent++));
  statistics_.sent++;

  delivery_plan result;
  result.dropped = draws.chance(drop_field, options.drop);
  result.duplicated = draws.chance(duplicate_field, options.duplicate);
  result.corrupted = payload_size > 0 && draws.chance(corrupt_field, options.corrupt);
  if (result.corrupted) result.corrupt_bit = draws.below(corrupt_bit_field, payload_size * 8);
  const bool reordered = draws.chance(reorder_field, options.reorder);
  result.delay = draw_delay(options.delay, draws, delay_fields);
  result.arrival = depart + result.delay;
  if (result.duplicated) result.duplicate_arrival = depart + draw_delay(options.delay, draws, duplicate_delay_fields);

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
    if (options.survives_heal) continue;
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
    result.add(link.key).add(link.sent).add(link.cuts).add(static_cast<std::uint64_t>(link.last_arrival)).add(link.options_index);
  }
  return result.value();
}

}  // namespace sim
