#include "sim/ratio.hpp"

#include <charconv>

namespace sim {
namespace {

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ratio> parse_ratio(std::string_view text) {
  ratio result;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    const auto numerator = parse_unsigned(text.substr(0, slash));
    const auto denominator = parse_unsigned(text.substr(slash + 1));
    if (!numerator || !denominator) return std::nullopt;
    result = {*numerator, *denominator};
  } else if (!text.empty() && text.back() == '%') {
    const auto percent = parse_unsigned(text.substr(0, text.size() - 1));
    if (!percent) return std::nullopt;
    result = {*percent, 100};
  } else {
    const auto whole = parse_unsigned(text);
    if (!whole) return std::nullopt;
    result = {*whole, 1};
  }
  if (result.denominator == 0 || result.numerator > result.denominator) return std::nullopt;
  return result;
}

std::string format_ratio(ratio value) {
  if (value.numerator == 0) return "0";
  return std::to_string(value.numerator) + "/" + std::to_string(value.denominator);
}

}  // namespace sim
