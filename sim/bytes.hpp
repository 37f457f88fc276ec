#pragma once
// Message payloads and durable records are plain bytes: copyable, hashable
// and checksummable, so the world can be snapshotted and a corrupted bit is
// caught exactly as a real receiver would catch it.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/assert.hpp"

namespace sim {

using bytes = std::vector<std::uint8_t>;

// Appends fixed-width little-endian integers and length-prefixed strings.
class byte_writer {
 public:
  explicit byte_writer(bytes& output) : output_(output) {}
  byte_writer& u8(std::uint8_t value) {
    output_.push_back(value);
    return *this;
  }
  byte_writer& u32(std::uint32_t value) { return word(value, 4); }
  byte_writer& u64(std::uint64_t value) { return word(value, 8); }
  byte_writer& i64(std::int64_t value) { return word(static_cast<std::uint64_t>(value), 8); }
  byte_writer& text(std::string_view value) {
    u32(static_cast<std::uint32_t>(value.size()));
    output_.insert(output_.end(), value.begin(), value.end());
    return *this;
  }
  byte_writer& blob(const bytes& value) {
    u32(static_cast<std::uint32_t>(value.size()));
    output_.insert(output_.end(), value.begin(), value.end());
    return *this;
  }

 private:
  byte_writer& word(std::uint64_t value, int width) {
    for (int i = 0; i < width; ++i) output_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    return *this;
  }
  bytes& output_;
};

// Reads what byte_writer wrote. Reading past the end is a protocol bug, so it
// asserts rather than returning garbage.
class byte_reader {
 public:
  explicit byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  explicit byte_reader(const bytes& input) : byte_reader(input.data(), input.size()) {}
  std::uint8_t u8() {
    SYNCSIM_ASSERT(offset_ + 1 <= size_);
    return data_[offset_++];
  }
  std::uint32_t u32() { return static_cast<std::uint32_t>(word(4)); }
  std::uint64_t u64() { return word(8); }
  std::int64_t i64() { return static_cast<std::int64_t>(word(8)); }
  std::string text() {
    const std::uint32_t length = u32();
    SYNCSIM_ASSERT(offset_ + length <= size_);
    std::string result(reinterpret_cast<const char*>(data_ + offset_), length);
    offset_ += length;
    return result;
  }
  bytes blob() {
    const std::uint32_t length = u32();
    SYNCSIM_ASSERT(offset_ + length <= size_);
    bytes result(data_ + offset_, data_ + offset_ + length);
    offset_ += length;
    return result;
  }
  bool at_end() const { return offset_ == size_; }

 private:
  std::uint64_t word(int width) {
    SYNCSIM_ASSERT(offset_ + static_cast<std::size_t>(width) <= size_);
    std::uint64_t value = 0;
    for (int i = 0; i < width; ++i) {
      value |= static_cast<std::uint64_t>(data_[offset_ + static_cast<std::size_t>(i)]) << (8 * i);
    }
    offset_ += static_cast<std::size_t>(width);
    return value;
  }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
};

}  // namespace sim
