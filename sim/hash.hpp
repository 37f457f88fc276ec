#pragma once
// A fixed, platform-independent 64-bit hash (never std::hash, whose values
// differ between standard libraries). Used for fingerprints, checksums, the
// trace stream hash and consistent-hash rings.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sim {

// The splitmix64 finalizer: a bijective avalanche mix of one word.
constexpr std::uint64_t mix64(std::uint64_t value) {
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

// Folds one word into a running hash; order-sensitive and fully mixed.
constexpr std::uint64_t hash_combine(std::uint64_t hash, std::uint64_t value) {
  return mix64(hash ^ (value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2)));
}

// A cheaper fold for long runs of words (one multiply each); finish the run
// with mix64 before using the result.
constexpr std::uint64_t fold_word(std::uint64_t hash, std::uint64_t value) {
  return (((hash << 5) | (hash >> 59)) ^ value) * 0x517cc1b727220a95ULL;
}

std::uint64_t hash_bytes(std::span<const std::uint8_t> bytes, std::uint64_t seed = 0);
std::uint64_t hash_string(std::string_view text, std::uint64_t seed = 0);

// An incremental hasher for fingerprints of composite values.
class hasher {
 public:
  explicit constexpr hasher(std::uint64_t seed = 0x5ca1ab1e) : state_(seed) {}
  constexpr hasher& add(std::uint64_t value) {
    state_ = hash_combine(state_, value);
    return *this;
  }
  hasher& add_bytes(std::span<const std::uint8_t> bytes) { return add(hash_bytes(bytes)); }
  hasher& add_string(std::string_view text) { return add(hash_string(text)); }
  constexpr std::uint64_t value() const { return state_; }

 private:
  std::uint64_t state_;
};

}  // namespace sim
