#include "sim/prng.hpp"

#include <bit>

#include "sim/assert.hpp"
#include "sim/hash.hpp"
#include "sim/wide_integer.hpp"

namespace sim {

prng::prng(std::uint64_t seed) {
  splitmix64 expander(seed);
  for (std::uint64_t& word : state_) word = expander.next();
}

prng prng::from_state(const state_type& state) {
  prng result;
  result.state_ = state;
  SYNCSIM_ASSERT((state[0] | state[1] | state[2] | state[3]) != 0);
  return result;
}

prng prng::stream(std::uint64_t seed, stream_purpose purpose, std::uint64_t index) {
  const std::uint64_t stream_key =
      hash_combine(mix64(static_cast<std::uint64_t>(purpose)), index);
  return prng(seed ^ stream_key);
}

std::uint64_t prng::next() {
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

std::uint64_t prng::below(std::uint64_t bound) {
  SYNCSIM_ASSERT(bound > 0);
  uint128 product = static_cast<uint128>(next()) * bound;
  auto low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<uint128>(next()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::int64_t prng::between(std::int64_t minimum, std::int64_t maximum) {
  SYNCSIM_ASSERT(minimum <= maximum);
  const auto span = static_cast<std::uint64_t>(maximum) - static_cast<std::uint64_t>(minimum);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(next());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(minimum) + below(span + 1));
}

bool prng::chance(ratio probability) {
  SYNCSIM_ASSERT(probability.denominator > 0);
  SYNCSIM_ASSERT(probability.numerator <= probability.denominator);
  // Always draw, even for 0 and 1, so that a ratio's value never changes how
  // many numbers a stream consumes.
  const std::uint64_t draw = below(probability.denominator);
  return draw < probability.numerator;
}

std::uint32_t prng::doublings(std::uint32_t maximum) {
  const std::uint64_t draw = next();
  const auto heads = static_cast<std::uint32_t>(draw == 0 ? 64 : std::countr_zero(draw));
  return heads < maximum ? heads : maximum;
}

}  // namespace sim
