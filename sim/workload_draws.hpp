#pragma once
// Swarm testing over the workload (anchor: tigerbeetle's vopr.zig): a
// workload knob a scenario leaves as a range ({"min": .., "max": ..}) is
// drawn once per run from the seed. Each knob's value is a function of the
// seed and the knob's name alone, so fixing one knob (as the shrinker does)
// never shifts another's draw, and the order a family reads its knobs in
// does not matter. A family reads its workload with one of these and asks
// it for every knob that may be a range.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario.hpp"

namespace sim {

class json_object;

class workload_draws {
 public:
  explicit workload_draws(std::uint64_t seed);

  std::uint32_t count(const std::string& key, const range<std::uint32_t>& knob);
  std::int64_t integer(const std::string& key, const range<std::int64_t>& knob);
  time_ns duration(const std::string& key, const range<time_ns>& knob);

  // Reads knob `key` from a family's workload (a value or a range; absent,
  // `field` keeps its default) and sets `field` to this run's value.
  void read_count(json_object& reader, const std::string& key, std::uint32_t& field, std::uint32_t minimum,
                  std::uint32_t maximum);
  void read_integer(json_object& reader, const std::string& key, std::uint64_t& field, std::uint64_t maximum);
  void read_duration(json_object& reader, const std::string& key, time_ns& field, time_ns minimum, time_ns maximum);

  // Every knob that was open and what it drew, as (key, JSON value), in the
  // order they were read: what `explicit_workload` writes back.
  const std::vector<std::pair<std::string, std::string>>& drawn() const { return drawn_; }

 private:
  // Uniform in [minimum, maximum], keyed by the knob's name.
  std::int64_t draw_between(const std::string& key, std::int64_t minimum, std::int64_t maximum) const;

  std::uint64_t key_;
  std::vector<std::pair<std::string, std::string>> drawn_;
};

// `workload_json` with every drawn knob written in as a fixed value.
std::string workload_with_draws(const std::string& workload_json, const workload_draws& draws);

}  // namespace sim
