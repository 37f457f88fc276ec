#pragma once
// The simulated network between every pair of processes: per-link delay (a
// floor plus jitter with a long tail), drop, duplicate, reorder and corrupt,
// each a named predicate over the link's own PRNG stream with its rate an
// integer ratio (anchor: tigerbeetle's packet_simulator.zig), and partitions
// that cut links. Links are FIFO unless a message is picked for reordering.
// Each message's draws are keyed by (seed, link, index on the link, field):
// see keyed_draws.

#include <cstdint>
#include <vector>

#include "sim/prng.hpp"
#include "sim/ratio.hpp"
#include "sim/time.hpp"

namespace sim {

struct delay_options {
  time_ns floor_ns = millisecond;
  time_ns jitter_ns = millisecond;
  std::uint32_t tail_doublings_max = 4;
  friend bool operator==(const delay_options&, const delay_options&) = default;
};

struct link_options {
  delay_options delay;
  ratio drop = ratio::never();
  ratio duplicate = ratio::never();
  ratio reorder = ratio::never();
  ratio corrupt = ratio::never();
  // A bad cable rather than a partition: the heal before the liveness phase
  // leaves this link losing and corrupting messages.
  bool survives_heal = false;
  friend bool operator==(const link_options&, const link_options&) = default;
};

// What happens to one message sent on one link: a function of the seed, the
// link, the message's index on the link and the link's options alone.
struct delivery_plan {
  bool dropped = false;
  bool corrupted = false;
  std::uint64_t corrupt_bit = 0;  // which bit of the payload flips
  time_ns delay = 0;              // as drawn, before the FIFO order applies
  time_ns arrival = 0;
  bool duplicated = false;
  time_ns duplicate_arrival = 0;
};

struct network_statistics {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;             // by the drop predicate
  std::uint64_t dropped_partition = 0;   // cut by a partition at send or arrival
  std::uint64_t dropped_crash = 0;       // sender or receiver crashed first
  std::uint64_t duplicated = 0;
  std::uint64_t reordered = 0;
  std::uint64_t corrupted = 0;           // caught by the receiver's checksum
  friend bool operator==(const network_statistics&, const network_statistics&) = default;
};

class network {
 public:
  network() = default;
  network(std::uint32_t process_count, std::uint64_t seed, const std::vector<link_options>& links);

  std::uint32_t process_count() const { return process_count_; }
  const link_options& options(std::uint32_t from, std::uint32_t to) const {
    return distinct_options_[links_[index(from, to)].options_index];
  }

  // Decides the fate of a message leaving `from` for `to` at `depart`.
  delivery_plan plan(std::uint32_t from, std::uint32_t to, time_ns depart, std::size_t payload_size);
  static time_ns draw_delay(const delay_options& delay, const keyed_draws& draws, std::uint64_t first_field);

  // Partitions count cuts per link, so overlapping partitions heal one by one.
  void cut(std::uint32_t from, std::uint32_t to);
  void uncut(std::uint32_t from, std::uint32_t to);
  void heal();
  // After the safety phase: links stop dropping and corrupting messages.
  void stop_losing_messages();
  bool connected(std::uint32_t from, std::uint32_t to) const { return links_[index(from, to)].cuts == 0; }
  bool any_partition() const;

  network_statistics& statistics() { return statistics_; }
  const network_statistics& statistics() const { return statistics_; }
  std::uint64_t fingerprint() const;
  friend bool operator==(const network&, const network&) = default;

 private:
  std::size_t index(std::uint32_t from, std::uint32_t to) const {
    return static_cast<std::size_t>(from) * process_count_ + to;
  }

  // Everything a send touches on its link, in one cache line; the options
  // are shared, since most links of a run have the same ones.
  struct link_state {
    std::uint64_t key = 0;     // this link's draws: (seed, link)
    std::uint64_t sent = 0;    // messages sent on the link so far
    time_ns last_arrival = 0;  // keeps the link FIFO
    std::uint32_t cuts = 0;
    std::uint32_t options_index = 0;
    friend bool operator==(const link_state&, const link_state&) = default;
  };

  std::uint32_t process_count_ = 0;
  std::vector<link_options> distinct_options_;
  std::vector<link_state> links_;
  network_statistics statistics_;
};

}  // namespace sim
