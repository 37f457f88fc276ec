#pragma once
// Message payloads and durable records are plain bytes: copyable, hashable
// and checksummable, so the world can be snapshotted and a corrupted bit is
// caught exactly as a real receiver would catch it.

#include <algorithm>
#include <compare>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <span>
#include <string>
#include <string_view>

#include "sim/assert.hpp"

namespace sim {

// A byte string that keeps up to 40 bytes inline: most messages and records
// are that small, so sending one allocates nothing and delivering one
// touches one cache line fewer.
class bytes {
 public:
  static constexpr std::uint32_t inline_capacity = 40;
  using value_type = std::uint8_t;
  using iterator = std::uint8_t*;
  using const_iterator = const std::uint8_t*;

  bytes() = default;
  bytes(std::initializer_list<std::uint8_t> values) { assign(values.begin(), values.size()); }
  bytes(const std::uint8_t* first, const std::uint8_t* last) { assign(first, static_cast<std::size_t>(last - first)); }
  bytes(const bytes& other) { assign(other.data(), other.size()); }
  bytes(bytes&& other) noexcept { take(other); }
  bytes& operator=(const bytes& other) {
    if (this != &other) {
      size_ = 0;
      assign(other.data(), other.size());
    }
    return *this;
  }
  bytes& operator=(bytes&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~bytes() { release(); }

  std::uint8_t* data() { return on_heap() ? heap_ : inline_; }
  const std::uint8_t* data() const { return on_heap() ? heap_ : inline_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  std::uint8_t& operator[](std::size_t index) { return data()[index]; }
  std::uint8_t operator[](std::size_t index) const { return data()[index]; }
  operator std::span<const std::uint8_t>() const { return {data(), size_}; }

  void clear() { size_ = 0; }
  void append(const std::uint8_t* source, std::size_t count) {
    reserve(size_ + count);
    if (count > 0) std::memcpy(data() + size_, source, count);
    size_ += static_cast<std::uint32_t>(count);
  }
  void push_back(std::uint8_t value) {
    reserve(size_ + 1);
    data()[size_++] = value;
  }
  template <class Iterator>
  void insert(iterator position, Iterator first, Iterator last) {
    SYNCSIM_ASSERT(position == end());  // appending is all the writers need
    const auto count = static_cast<std::size_t>(std::distance(first, last));
    reserve(size_ + count);
    std::uint8_t* target = data() + size_;
    for (; first != last; ++first) *target++ = static_cast<std::uint8_t>(*first);
    size_ += static_cast<std::uint32_t>(count);
  }
  void resize(std::size_t count) {
    reserve(count);
    if (count > size_) std::memset(data() + size_, 0, count - size_);
    size_ = static_cast<std::uint32_t>(count);
  }
  void reserve(std::size_t count);

  friend bool operator==(const bytes& left, const bytes& right) {
    return left.size_ == right.size_ && std::memcmp(left.data(), right.data(), left.size_) == 0;
  }
  friend auto operator<=>(const bytes& left, const bytes& right) {
    return std::lexicographical_compare_three_way(left.begin(), left.end(), right.begin(), right.end());
  }

 private:
  bool on_heap() const { return capacity_ > inline_capacity; }
  void assign(const std::uint8_t* source, std::size_t count) {
    reserve(count);
    if (count > 0) std::memcpy(data(), source, count);
    size_ = static_cast<std::uint32_t>(count);
  }
  void take(bytes& other) {
    size_ = other.size_;
    capacity_ = other.capacity_;
    if (other.on_heap()) {
      heap_ = other.heap_;
    } else {
      std::memcpy(inline_, other.inline_, other.size_);
    }
    other.size_ = 0;
    other.capacity_ = inline_capacity;
  }
  void release() {
    if (on_heap()) delete[] heap_;
    capacity_ = inline_capacity;
  }

  std::uint32_t size_ = 0;
  std::uint32_t capacity_ = inline_capacity;
  union {
    std::uint8_t inline_[inline_capacity];
    std::uint8_t* heap_;
  };
};

inline void bytes::reserve(std::size_t count) {
  if (count <= capacity_) return;
  SYNCSIM_ASSERT(count < UINT32_MAX / 2);
  const std::size_t grown = std::max<std::size_t>(count, std::size_t{capacity_} * 2);
  auto* larger = new std::uint8_t[grown];
  if (size_ > 0) std::memcpy(larger, data(), size_);
  release();
  heap_ = larger;
  capacity_ = static_cast<std::uint32_t>(grown);
}
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
    output_.append(reinterpret_cast<const std::uint8_t*>(value.data()), value.size());
    return *this;
  }
  byte_writer& blob(const bytes& value) {
    u32(static_cast<std::uint32_t>(value.size()));
    output_.append(value.data(), value.size());
    return *this;
  }

 private:
  byte_writer& word(std::uint64_t value, int width) {
    std::uint8_t little_endian[8];
    for (int i = 0; i < width; ++i) little_endian[i] = static_cast<std::uint8_t>(value >> (8 * i));
    output_.append(little_endian, static_cast<std::size_t>(width));
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
