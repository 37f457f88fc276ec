#pragma once
// The kernel's only source of randomness: xoshiro256** (Blackman and Vigna)
// seeded through splitmix64. Integers are drawn exactly (Lemire's method) and
// probabilities are integer ratios, so a seed means the same run on every
// compiler and standard library.

#include <array>
#include <bit>
#include <cstdint>

#include "sim/assert.hpp"
#include "sim/ratio.hpp"
#include "sim/wide_integer.hpp"

namespace sim {

// splitmix64: used to expand a seed into xoshiro state, and nothing else.
class splitmix64 {
 public:
  explicit constexpr splitmix64(std::uint64_t state) : state_(state) {}
  constexpr std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// Purposes of the independent streams a run draws from. Splitting streams by
// purpose keeps one part of a run stable when another changes: removing a
// fault does not reshuffle the network's delays, which shrinking relies on.
enum class stream_purpose : std::uint32_t {
  swarm = 1,      // knobs the scenario leaves open, drawn once per run
  faults = 2,     // the generated fault schedule
  network = 3,    // per-link delay, drop, duplicate, reorder, corrupt
  workload = 4,   // each client's choices
  node = 5,       // each server's timers and randomized choices
  disk = 6,       // per-node fsync latency
  clock = 7,      // per-node drift
};

// Lemire's exact method for a uniform integer in [0, bound), over any
// source of uniform 64-bit words (bound > 0).
template <class Source>
std::uint64_t lemire_below(Source& source, std::uint64_t bound) {
  SYNCSIM_ASSERT(bound > 0);
  uint128 product = static_cast<uint128>(source.next()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) [[unlikely]] {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<uint128>(source.next()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

class prng {
 public:
  using state_type = std::array<std::uint64_t, 4>;

  // Seeds the generator exactly as the reference implementation suggests:
  // four consecutive splitmix64 outputs.
  explicit prng(std::uint64_t seed = 0);
  static prng from_state(const state_type& state);
  // An independent stream for one purpose and index (a link, a node).
  static prng stream(std::uint64_t seed, stream_purpose purpose, std::uint64_t index = 0);

  std::uint64_t next() {
    const std::uint64_t result = std::rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t shifted = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= shifted;
    state_[3] = std::rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, bound), exact (Lemire 2019, with rejection). bound > 0.
  std::uint64_t below(std::uint64_t bound) { return lemire_below(*this, bound); }
  // Uniform in [minimum, maximum], inclusive.
  std::int64_t between(std::int64_t minimum, std::int64_t maximum);
  // True with probability chance.numerator / chance.denominator, exactly.
  // Always draws, even for 0 and 1, so that a ratio's value never changes
  // how many numbers a stream consumes.
  bool chance(ratio probability) {
    SYNCSIM_ASSERT(probability.denominator > 0);
    SYNCSIM_ASSERT(probability.numerator <= probability.denominator);
    return below(probability.denominator) < probability.numerator;
  }
  // A geometric count of successive fair coin flips that came up heads,
  // capped: P(result >= k) = 2^-k. Integer-only long tails use it.
  std::uint32_t doublings(std::uint32_t maximum) {
    const std::uint64_t draw = next();
    const auto heads = static_cast<std::uint32_t>(draw == 0 ? 64 : std::countr_zero(draw));
    return heads < maximum ? heads : maximum;
  }

  const state_type& state() const { return state_; }
  friend bool operator==(const prng&, const prng&) = default;

 private:
  state_type state_{};
};

// Random access into splitmix64's sequence: the value of draw number `field`
// of the sequence keyed by `key`. A message's fate on a link is a function
// of (seed, link, message index, field) alone, so a field that a link does
// not use costs nothing and turning one fault rate on or off cannot shift
// any other draw of the run.
class keyed_draws {
 public:
  explicit constexpr keyed_draws(std::uint64_t key) : key_(key) {}
  // A uniform integer in [0, bound) for one field.
  std::uint64_t below(std::uint64_t field, std::uint64_t bound) const {
    splitmix64 source(key_ + field * 0xd1b54a32d192ed03ULL);
    return lemire_below(source, bound);
  }
  bool chance(std::uint64_t field, ratio probability) const {
    SYNCSIM_ASSERT(probability.numerator <= probability.denominator);
    if (probability.numerator == 0) return false;
    return below(field, probability.denominator) < probability.numerator;
  }
  // As prng::doublings: P(result >= k) = 2^-k, capped.
  std::uint32_t doublings(std::uint64_t field, std::uint32_t maximum) const {
    if (maximum == 0) return 0;
    splitmix64 source(key_ + field * 0xd1b54a32d192ed03ULL);
    const std::uint64_t draw = source.next();
    const auto heads = static_cast<std::uint32_t>(draw == 0 ? 64 : std::countr_zero(draw));
    return heads < maximum ? heads : maximum;
  }

 private:
  std::uint64_t key_;
};

}  // namespace sim
