#include "sim/hash.hpp"

#include <bit>
#include <cstring>

namespace sim {

namespace {

// Eight bytes as a little-endian word, whatever the host's byte order.
std::uint64_t load_little_endian(const std::uint8_t* bytes) {
  std::uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof word);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  return word;
}

}  // namespace

std::uint64_t hash_bytes(std::span<const std::uint8_t> bytes, std::uint64_t seed) {
  std::uint64_t hash = seed ^ (bytes.size() * 0x9e3779b97f4a7c15ULL);
  std::size_t offset = 0;
  for (; offset + 8 <= bytes.size(); offset += 8) hash = fold_word(hash, load_little_endian(&bytes[offset]));
  std::uint64_t tail = 0;
  for (std::size_t i = bytes.size(); i > offset; --i) tail = (tail << 8) | bytes[i - 1];
  return mix64(fold_word(hash, tail));
}

std::uint64_t hash_string(std::string_view text, std::uint64_t seed) {
  return hash_bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, seed);
}

}  // namespace sim
