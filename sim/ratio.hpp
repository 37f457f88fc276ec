#pragma once
// Probabilities as exact integer ratios (never floating point), so that a
// seed decides the same coin flips everywhere.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/wide_integer.hpp"

namespace sim {

struct ratio {
  std::uint64_t numerator = 0;
  std::uint64_t denominator = 1;

  static constexpr ratio never() { return {0, 1}; }
  bool is_zero() const { return numerator == 0; }
  // Compares values, not representations: 1/2 == 2/4.
  friend bool operator==(const ratio& left, const ratio& right) {
    return static_cast<uint128>(left.numerator) * right.denominator ==
           static_cast<uint128>(right.numerator) * left.denominator;
  }
  friend bool operator<(const ratio& left, const ratio& right) {
    return static_cast<uint128>(left.numerator) * right.denominator <
           static_cast<uint128>(right.numerator) * left.denominator;
  }
  friend bool operator<=(const ratio& left, const ratio& right) { return !(right < left); }
};

// Parses "N/D" (1/100), "N%" (2%), or "0". Returns nullopt on anything else,
// including ratios above one and a zero denominator.
std::optional<ratio> parse_ratio(std::string_view text);
std::string format_ratio(ratio value);

}  // namespace sim
