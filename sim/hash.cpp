#include "sim/hash.hpp"

#include <cstring>

namespace sim {

std::uint64_t hash_bytes(std::span<const std::uint8_t> bytes, std::uint64_t seed) {
  std::uint64_t hash = mix64(seed ^ (bytes.size() * 0x9e3779b97f4a7c15ULL));
  std::size_t offset = 0;
  // Eight bytes at a time, assembled little-endian explicitly so the result
  // does not depend on the host's byte order.
  for (; offset + 8 <= bytes.size(); offset += 8) {
    std::uint64_t word = 0;
    for (int i = 7; i >= 0; --i) word = (word << 8) | bytes[offset + static_cast<std::size_t>(i)];
    hash = hash_combine(hash, word);
  }
  std::uint64_t tail = 0;
  for (std::size_t i = bytes.size(); i > offset; --i) tail = (tail << 8) | bytes[i - 1];
  return hash_combine(hash, tail);
}

std::uint64_t hash_string(std::string_view text, std::uint64_t seed) {
  return hash_bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, seed);
}

}  // namespace sim
