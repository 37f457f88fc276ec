#include "sim/run_config.hpp"

#include <algorithm>

#include "sim/assert.hpp"
#include "sim/prng.hpp"
#include "sim/shrink.hpp"

namespace sim {
namespace {

template <class T>
T draw(const range<T>& knob, prng& random) {
  SYNCSIM_ASSERT(knob.minimum <= knob.maximum);
  return static_cast<T>(random.between(static_cast<std::int64_t>(knob.minimum),
                                       static_cast<std::int64_t>(knob.maximum)));
}

ratio draw(const range<ratio>& knob, prng& random) {
  // Both bounds on one denominator; then a uniform numerator between them.
  const std::uint64_t denominator = knob.minimum.denominator * knob.maximum.denominator;
  const std::uint64_t low = knob.minimum.numerator * knob.maximum.denominator;
  const std::uint64_t high = knob.maximum.numerator * knob.minimum.denominator;
  SYNCSIM_ASSERT(low <= high);
  if (low == high) return knob.minimum;
  return {low + random.below(high - low + 1), denominator};
}

link_options draw_link_options(const network_spec& spec, prng& random) {
  link_options result;
  result.delay.floor_ns = draw(spec.delay.floor_ns, random);
  result.delay.jitter_ns = draw(spec.delay.jitter_ns, random);
  result.delay.tail_doublings_max = draw(spec.delay.tail_doublings_max, random);
  result.drop = draw(spec.faults.drop, random);
  result.duplicate = draw(spec.faults.duplicate, random);
  result.reorder = draw(spec.faults.reorder, random);
  result.corrupt = draw(spec.faults.corrupt, random);
  return result;
}

void apply_override(const link_override_spec& spec, link_options& options, prng& random) {
  // Each override draws every one of its knobs, present or not, so that
  // editing one field of an override never shifts the others' draws.
  const auto take = [&random](const auto& field, auto& target) {
    if (field) target = draw(*field, random);
  };
  take(spec.floor_ns, options.delay.floor_ns);
  take(spec.jitter_ns, options.delay.jitter_ns);
  take(spec.tail_doublings_max, options.delay.tail_doublings_max);
  take(spec.drop, options.drop);
  take(spec.duplicate, options.duplicate);
  take(spec.reorder, options.reorder);
  take(spec.corrupt, options.corrupt);
}

void resolve_links(const scenario& input, run_config& config, prng& random) {
  const std::uint32_t count = config.process_count();
  const link_options base = draw_link_options(input.network, random);
  config.links.assign(static_cast<std::size_t>(count) * count, base);
  for (const link_override_spec& override_spec : input.network.links) {
    link_options drawn = base;
    apply_override(override_spec, drawn, random);
    drawn.survives_heal = override_spec.survives_heal;
    for (std::uint32_t from = 0; from < count; ++from) {
      if (override_spec.from != "*" && override_spec.from != config.process_name(from)) continue;
      for (std::uint32_t to = 0; to < count; ++to) {
        if (override_spec.to != "*" && override_spec.to != config.process_name(to)) continue;
        config.links[static_cast<std::size_t>(from) * count + to] = drawn;
      }
    }
  }
  // A process talks to itself through memory: no delay, no faults.
  for (std::uint32_t process = 0; process < count; ++process) {
    link_options memory;
    memory.delay = {0, 0, 0};
    config.links[static_cast<std::size_t>(process) * count + process] = memory;
  }
}

}  // namespace

std::string run_config::process_name(std::uint32_t process) const {
  SYNCSIM_ASSERT(process < process_count());
  return process < servers ? server_name(process) : client_name(process - servers);
}

std::int64_t run_config::process_by_name(const std::string& name) const {
  for (std::uint32_t process = 0; process < process_count(); ++process) {
    if (process_name(process) == name) return process;
  }
  return -1;
}

run_config resolve_run_config(const scenario& input, std::uint64_t seed) {
  run_config config;
  config.seed = seed;
  prng random = prng::stream(seed, stream_purpose::swarm);
  config.servers = draw(input.cluster.servers, random);
  config.clients = draw(input.cluster.clients, random);
  resolve_links(input, config, random);
  config.fsync = input.disk.fsync;
  config.fsync_delay_ns = input.disk.fsync_delay_ns;
  config.flush_interval_ns = input.disk.flush_interval_ns;
  prng clock_random = prng::stream(seed, stream_purpose::clock);
  for (std::uint32_t server = 0; server < config.servers; ++server) {
    config.drift_ppm.push_back(draw(input.clock.drift_ppm, clock_random));
  }
  config.duration_ns = input.duration_ns;
  config.check_every_events = input.checkers.every_events;
  config.liveness_bound_ns = input.checkers.liveness_bound_ns;
  config.checker_names = input.checkers.only;
  config.faults = input.schedule;
  config.triggers = input.triggers;
  if (input.swarm.enabled) {
    const auto generated = generate_swarm_faults(input.swarm, config.servers, input.duration_ns, seed);
    config.faults.insert(config.faults.end(), generated.begin(), generated.end());
  }
  std::stable_sort(config.faults.begin(), config.faults.end(),
                   [](const fault_spec& left, const fault_spec& right) { return left.at_ns < right.at_ns; });
  return config;
}

namespace {

template <class T>
void pin(std::optional<range<T>>& field, T value) {
  if (field) field = range<T>::exactly(value);
}

}  // namespace

// Draws exactly as resolve_run_config does, then writes each drawn value
// back as a fixed range. Per-server clock drift stays a range: each server's
// draw depends only on the seed and its index, so it survives removing
// servers.
scenario make_explicit(const scenario& input, std::uint64_t seed, const system_definition& family) {
  scenario result = input;
  result.workload_json = family.explicit_workload(input, seed);
  prng random = prng::stream(seed, stream_purpose::swarm);
  result.cluster.servers = range<std::uint32_t>::exactly(draw(input.cluster.servers, random));
  result.cluster.clients = range<std::uint32_t>::exactly(draw(input.cluster.clients, random));
  const link_options base = draw_link_options(input.network, random);
  result.network.delay.floor_ns = range<time_ns>::exactly(base.delay.floor_ns);
  result.network.delay.jitter_ns = range<time_ns>::exactly(base.delay.jitter_ns);
  result.network.delay.tail_doublings_max = range<std::uint32_t>::exactly(base.delay.tail_doublings_max);
  result.network.faults.drop = range<ratio>::exactly(base.drop);
  result.network.faults.duplicate = range<ratio>::exactly(base.duplicate);
  result.network.faults.reorder = range<ratio>::exactly(base.reorder);
  result.network.faults.corrupt = range<ratio>::exactly(base.corrupt);
  for (link_override_spec& override_spec : result.network.links) {
    link_options drawn = base;
    apply_override(override_spec, drawn, random);
    pin(override_spec.floor_ns, drawn.delay.floor_ns);
    pin(override_spec.jitter_ns, drawn.delay.jitter_ns);
    pin(override_spec.tail_doublings_max, drawn.delay.tail_doublings_max);
    pin(override_spec.drop, drawn.drop);
    pin(override_spec.duplicate, drawn.duplicate);
    pin(override_spec.reorder, drawn.reorder);
    pin(override_spec.corrupt, drawn.corrupt);
  }
  const run_config config = resolve_run_config(input, seed);
  result.schedule = config.faults;
  result.swarm.enabled = false;
  result.seed = seed;
  return result;
}

}  // namespace sim
