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

std::int64_t prng::between(std::int64_t minimum, std::int64_t maximum) {
  SYNCSIM_ASSERT(minimum <= maximum);
  const auto span = static_cast<std::uint64_t>(maximum) - static_cast<std::uint64_t>(minimum);
  if (span == UINT64_MAX) return static_cast<std::int64_t>(next());
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(minimum) + below(span + 1));
}

}  // namespace sim
