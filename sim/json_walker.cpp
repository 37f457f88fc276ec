#include "sim/json_walker.hpp"

#include <charconv>
#include <limits>

#include "sim/assert.hpp"

namespace sim {

std::optional<time_ns> parse_duration(const std::string& text) {
  struct unit {
    const char* suffix;
    time_ns size;
  };
  static constexpr unit units[] = {{"ns", nanosecond}, {"us", microsecond}, {"ms", millisecond},
                                   {"s", second},      {"m", 60 * second}};
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') digits++;
  if (digits == 0 || digits > 15) return std::nullopt;
  std::int64_t amount = 0;
  std::from_chars(text.data(), text.data() + digits, amount);
  const std::string suffix = text.substr(digits);
  for (const unit& candidate : units) {
    if (suffix == candidate.suffix) {
      if (amount > std::numeric_limits<time_ns>::max() / candidate.size) return std::nullopt;
      return amount * candidate.size;
    }
  }
  return std::nullopt;
}

std::string describe_json(const nlohmann::json& value) {
  if (value.is_string()) return "string " + value.dump();
  if (value.is_boolean()) return std::string("boolean ") + (value.get<bool>() ? "true" : "false");
  if (value.is_number()) return "number " + value.dump();
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

std::string escape_pointer_token(const std::string& key) {
  std::string result;
  for (const char c : key) {
    if (c == '~') {
      result += "~0";
    } else if (c == '/') {
      result += "~1";
    } else {
      result += c;
    }
  }
  return result;
}

json_object::json_object(const nlohmann::json& value, std::string file, std::string pointer)
    : value_(&value), file_(std::move(file)), pointer_(std::move(pointer)) {
  if (!value.is_object()) {
    throw scenario_error(file_, pointer_.empty() ? "/" : pointer_, "expected an object, found " + describe_json(value));
  }
}

const nlohmann::json* json_object::take(const std::string& key) {
  asked_.insert(key);
  const auto found = value_->find(key);
  if (found == value_->end()) return nullptr;
  read_.insert(key);
  return &*found;
}

void json_object::fail(const std::string& key, const std::string& message) const {
  throw scenario_error(file_, pointer_of(key), message);
}

std::string json_object::text(const std::string& key, const std::string& fallback) {
  const nlohmann::json* value = take(key);
  if (value == nullptr) return fallback;
  if (!value->is_string()) fail(key, "expected a string, found " + describe_json(*value));
  return value->get<std::string>();
}

bool json_object::boolean(const std::string& key, bool fallback) {
  const nlohmann::json* value = take(key);
  if (value == nullptr) return fallback;
  if (!value->is_boolean()) fail(key, "expected true or false, found " + describe_json(*value));
  return value->get<bool>();
}

namespace {

std::optional<std::int64_t> read_integer(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(number);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

std::string bounds_text(std::int64_t minimum, std::int64_t maximum) {
  return std::to_string(minimum) + " to " + std::to_string(maximum);
}

std::optional<time_ns> read_duration(const nlohmann::json& value) {
  if (value.is_string()) return parse_duration(value.get<std::string>());
  const auto number = read_integer(value);
  if (number && *number >= 0) return *number;
  return std::nullopt;
}

std::optional<ratio> read_ratio(const nlohmann::json& value) {
  if (value.is_string()) return parse_ratio(value.get<std::string>());
  const auto number = read_integer(value);
  if (number && *number == 0) return ratio::never();
  if (number && *number == 1) return ratio{1, 1};
  return std::nullopt;
}

}  // namespace

std::int64_t json_object::integer(const std::string& key, std::int64_t fallback, std::int64_t minimum,
                                  std::int64_t maximum) {
  const nlohmann::json* value = take(key);
  if (value == nullptr) return fallback;
  const auto number = read_integer(*value);
  if (!number || *number < minimum || *number > maximum) {
    fail(key, "expected an integer from " + bounds_text(minimum, maximum) + ", found " + describe_json(*value));
  }
  return *number;
}

time_ns json_object::duration(const std::string& key, time_ns fallback, time_ns minimum, time_ns maximum) {
  const nlohmann::json* value = take(key);
  if (value == nullptr) return fallback;
  const auto parsed = read_duration(*value);
  if (!parsed || *parsed < minimum || *parsed > maximum) {
    fail(key, "expected a duration from " + format_duration(minimum) + " to " + format_duration(maximum) +
                  " (nanoseconds, or a string such as \"150ms\", \"2s\", \"500us\"), found " + describe_json(*value));
  }
  return *parsed;
}

template <class T, class Reader>
range<T> json_object::read_range(const std::string& key, range<T> fallback, Reader read_one) {
  const nlohmann::json* value = take(key);
  if (value == nullptr) return fallback;
  if (!value->is_object()) {
    const T single = read_one(*value, pointer_of(key));
    return {single, single};
  }
  json_object bounds(*value, file_, pointer_of(key));
  const nlohmann::json* minimum = bounds.take("min");
  const nlohmann::json* maximum = bounds.take("max");
  if (minimum == nullptr || maximum == nullptr) {
    fail(key, "a range needs both \"min\" and \"max\"");
  }
  bounds.finish();
  range<T> result{read_one(*minimum, pointer_of(key) + "/min"), read_one(*maximum, pointer_of(key) + "/max")};
  if (result.maximum < result.minimum) {
    throw scenario_error(file_, pointer_of(key) + "/min", "the minimum exceeds the maximum");
  }
  return result;
}

range<time_ns> json_object::duration_range(const std::string& key, range<time_ns> fallback, time_ns minimum,
                                           time_ns maximum) {
  return read_range<time_ns>(key, fallback, [&](const nlohmann::json& value, const std::string& where) {
    const auto parsed = read_duration(value);
    if (!parsed || *parsed < minimum || *parsed > maximum) {
      throw scenario_error(file_, where,
                           "expected a duration from " + format_duration(minimum) + " to " + format_duration(maximum) +
                               " or {\"min\": .., \"max\": ..}, found " + describe_json(value));
    }
    return *parsed;
  });
}

template <class T>
range<T> json_object::bounded_integer_range(const std::string& key, range<T> fallback, std::int64_t minimum,
                                            std::int64_t maximum) {
  return read_range<T>(key, fallback, [&](const nlohmann::json& value, const std::string& where) {
    const auto number = read_integer(value);
    if (!number || *number < minimum || *number > maximum) {
      throw scenario_error(file_, where,
                           "expected an integer from " + bounds_text(minimum, maximum) +
                               " or {\"min\": .., \"max\": ..}, found " + describe_json(value));
    }
    return static_cast<T>(*number);
  });
}

range<std::uint32_t> json_object::count_range(const std::string& key, range<std::uint32_t> fallback,
                                              std::uint32_t minimum, std::uint32_t maximum) {
  return bounded_integer_range<std::uint32_t>(key, fallback, minimum, maximum);
}

range<std::int64_t> json_object::integer_range(const std::string& key, range<std::int64_t> fallback,
                                               std::int64_t minimum, std::int64_t maximum) {
  return bounded_integer_range<std::int64_t>(key, fallback, minimum, maximum);
}

range<ratio> json_object::ratio_range(const std::string& key, range<ratio> fallback) {
  return read_range<ratio>(key, fallback, [&](const nlohmann::json& value, const std::string& where) {
    const auto parsed = read_ratio(value);
    if (!parsed) {
      throw scenario_error(file_, where,
                           "expected a probability \"N/D\", \"N%\" or 0 (at most 1), or {\"min\": .., \"max\": ..}, "
                           "found " + describe_json(value));
    }
    return *parsed;
  });
}

std::vector<std::string> json_object::text_list(const std::string& key) {
  const nlohmann::json* value = take(key);
  if (value == nullptr) return {};
  if (!value->is_array()) fail(key, "expected an array of strings, found " + describe_json(*value));
  std::vector<std::string> result;
  for (std::size_t index = 0; index < value->size(); ++index) {
    const nlohmann::json& item = (*value)[index];
    const std::string where = pointer_of(key) + "/" + std::to_string(index);
    if (!item.is_string() || item.get<std::string>().empty()) {
      throw scenario_error(file_, where, "expected a non-empty string, found " + describe_json(item));
    }
    for (const std::string& earlier : result) {
      if (earlier == item.get<std::string>()) throw scenario_error(file_, where, "duplicate entry " + item.dump());
    }
    result.push_back(item.get<std::string>());
  }
  return result;
}

std::optional<json_object> json_object::object(const std::string& key) {
  const nlohmann::json* value = take(key);
  if (value == nullptr) return std::nullopt;
  return json_object(*value, file_, pointer_of(key));
}

void json_object::finish() const {
  for (const auto& [key, value] : value_->items()) {
    if (read_.count(key) != 0) continue;
    std::string allowed;
    for (const std::string& known : asked_) allowed += (allowed.empty() ? "" : ", ") + known;
    fail(key, "unknown key \"" + key + "\"" + (allowed.empty() ? " (no keys are allowed here)" : "; allowed: " + allowed));
  }
}

std::string json_with_value(const std::string& object_text, const std::string& key, const std::string& value_json) {
  nlohmann::json object = nlohmann::json::parse(object_text);
  SYNCSIM_ASSERT(object.is_object());
  object[key] = nlohmann::json::parse(value_json);
  return object.dump();
}

}  // namespace sim
