#pragma once
// Reads a JSON object field by field while keeping the JSON pointer of
// everything it reads, so every error names the file, the pointer and what
// was expected. Keys nobody read are errors (finish()). The scenario parser
// uses it, and so does every protocol for its own options. Only .cpp files
// include this header: it brings nlohmann/json with it.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/ratio.hpp"
#include "sim/scenario.hpp"
#include "sim/time.hpp"

namespace sim {

// "150ms", "2s", "1500us", "10ns", "1m"; nullopt if malformed or negative.
std::optional<time_ns> parse_duration(const std::string& text);
// How a JSON value looks in an error message: `string "three"`, `array`.
std::string describe_json(const nlohmann::json& value);
// RFC 6901: "~" becomes "~0" and "/" becomes "~1".
std::string escape_pointer_token(const std::string& key);

class json_object {
 public:
  // Throws scenario_error unless `value` is an object.
  json_object(const nlohmann::json& value, std::string file, std::string pointer);

  const std::string& file() const { return file_; }
  const std::string& pointer() const { return pointer_; }
  std::string pointer_of(const std::string& key) const { return pointer_ + "/" + escape_pointer_token(key); }
  bool has(const std::string& key) const { return value_->contains(key); }
  // The raw value, marked as read; nullptr when absent.
  const nlohmann::json* take(const std::string& key);
  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

  std::string text(const std::string& key, const std::string& fallback);
  bool boolean(const std::string& key, bool fallback);
  std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t minimum, std::int64_t maximum);
  time_ns duration(const std::string& key, time_ns fallback, time_ns minimum, time_ns maximum);
  range<time_ns> duration_range(const std::string& key, range<time_ns> fallback, time_ns minimum, time_ns maximum);
  range<std::uint32_t> count_range(const std::string& key, range<std::uint32_t> fallback, std::uint32_t minimum,
                                   std::uint32_t maximum);
  range<std::int64_t> integer_range(const std::string& key, range<std::int64_t> fallback, std::int64_t minimum,
                                    std::int64_t maximum);
  range<ratio> ratio_range(const std::string& key, range<ratio> fallback);
  // A list of non-empty strings without duplicates.
  std::vector<std::string> text_list(const std::string& key);
  std::optional<json_object> object(const std::string& key);
  // Throws for a key that was not read, listing the keys that were asked for.
  void finish() const;

 private:
  template <class T, class Reader>
  range<T> read_range(const std::string& key, range<T> fallback, Reader read_one);
  template <class T>
  range<T> bounded_integer_range(const std::string& key, range<T> fallback, std::int64_t minimum,
                                 std::int64_t maximum);

  const nlohmann::json* value_;
  std::string file_;
  std::string pointer_;
  std::set<std::string> read_;
  std::set<std::string> asked_;  // every key this object supports
};

// The JSON object `object_text` with `key` set to the JSON value
// `value_json`, as canonical text (how a scenario keeps a protocol's
// section).
std::string json_with_value(const std::string& object_text, const std::string& key, const std::string& value_json);

// A protocol's section of a scenario (its options, its workload), kept as
// canonical JSON text in sim::scenario, parsed again for reading.
class json_section {
 public:
  json_section(const std::string& text, const std::string& file, const std::string& pointer)
      : value_(nlohmann::json::parse(text)), reader_(value_, file, pointer) {}
  json_section(const json_section&) = delete;
  json_section& operator=(const json_section&) = delete;
  json_object& reader() { return reader_; }

 private:
  nlohmann::json value_;
  json_object reader_;
};

}  // namespace sim
