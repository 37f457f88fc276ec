#include "sim/workload_draws.hpp"

#include "sim/assert.hpp"
#include "sim/hash.hpp"
#include "sim/json_walker.hpp"
#include "sim/prng.hpp"

namespace sim {
namespace {

// The swarm stream's index 0 draws the cluster and the network
// (resolve_run_config); the workload's knobs are keyed off index 1.
constexpr std::uint64_t workload_knobs_stream_index = 1;

}  // namespace

workload_draws::workload_draws(std::uint64_t seed)
    : key_(prng::stream(seed, stream_purpose::swarm, workload_knobs_stream_index).next()) {}

std::int64_t workload_draws::draw_between(const std::string& key, std::int64_t minimum, std::int64_t maximum) const {
  SYNCSIM_ASSERT(minimum < maximum);
  const std::uint64_t span = static_cast<std::uint64_t>(maximum) - static_cast<std::uint64_t>(minimum);
  SYNCSIM_ASSERT(span < UINT64_MAX);
  const keyed_draws source(key_);
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(minimum) + source.below(hash_string(key), span + 1));
}

std::uint32_t workload_draws::count(const std::string& key, const range<std::uint32_t>& knob) {
  if (knob.minimum == knob.maximum) return knob.minimum;
  const auto value = static_cast<std::uint32_t>(draw_between(key, knob.minimum, knob.maximum));
  drawn_.emplace_back(key, std::to_string(value));
  return value;
}

std::int64_t workload_draws::integer(const std::string& key, const range<std::int64_t>& knob) {
  if (knob.minimum == knob.maximum) return knob.minimum;
  const std::int64_t value = draw_between(key, knob.minimum, knob.maximum);
  drawn_.emplace_back(key, std::to_string(value));
  return value;
}

time_ns workload_draws::duration(const std::string& key, const range<time_ns>& knob) {
  if (knob.minimum == knob.maximum) return knob.minimum;
  // Whole microseconds when both bounds are: "23285us" reads better than
  // nanoseconds, and a microsecond is finer than any workload knob needs.
  const time_ns unit = knob.minimum % microsecond == 0 && knob.maximum % microsecond == 0 ? microsecond : 1;
  const time_ns value = unit * draw_between(key, knob.minimum / unit, knob.maximum / unit);
  drawn_.emplace_back(key, "\"" + format_duration(value) + "\"");
  return value;
}

void workload_draws::read_count(json_object& reader, const std::string& key, std::uint32_t& field,
                                std::uint32_t minimum, std::uint32_t maximum) {
  field = count(key, reader.count_range(key, range<std::uint32_t>::exactly(field), minimum, maximum));
}

void workload_draws::read_integer(json_object& reader, const std::string& key, std::uint64_t& field,
                                  std::uint64_t maximum) {
  SYNCSIM_ASSERT(maximum <= static_cast<std::uint64_t>(INT64_MAX));
  SYNCSIM_ASSERT(field <= maximum);
  const range<std::int64_t> knob = reader.integer_range(key, range<std::int64_t>::exactly(static_cast<std::int64_t>(field)),
                                                        0, static_cast<std::int64_t>(maximum));
  field = static_cast<std::uint64_t>(integer(key, knob));
}

void workload_draws::read_duration(json_object& reader, const std::string& key, time_ns& field, time_ns minimum,
                                   time_ns maximum) {
  field = duration(key, reader.duration_range(key, range<time_ns>::exactly(field), minimum, maximum));
}

std::string workload_with_draws(const std::string& workload_json, const workload_draws& draws) {
  std::string result = workload_json;
  for (const auto& [key, value] : draws.drawn()) result = json_with_value(result, key, value);
  return result;
}

}  // namespace sim
