// sim::scenario back to canonical JSON (sorted keys, two-space indent): the
// form the trace header stores and `run --print-default` prints.
#include <nlohmann/json.hpp>

#include "sim/scenario.hpp"

namespace sim {
namespace {

nlohmann::json duration_value(time_ns value) { return format_duration(value); }
nlohmann::json ratio_value(ratio value) { return format_ratio(value); }

template <class T, class Convert>
nlohmann::json range_value(const range<T>& knob, Convert convert) {
  if (knob.fixed()) return convert(knob.minimum);
  return {{"min", convert(knob.minimum)}, {"max", convert(knob.maximum)}};
}

nlohmann::json plain(std::int64_t value) { return value; }

nlohmann::json network_json(const network_spec& network) {
  nlohmann::json result;
  result["delay"] = {{"floor", range_value(network.delay.floor_ns, duration_value)},
                     {"jitter", range_value(network.delay.jitter_ns, duration_value)},
                     {"tail_doublings_max", range_value(network.delay.tail_doublings_max, plain)}};
  result["drop"] = range_value(network.faults.drop, ratio_value);
  result["duplicate"] = range_value(network.faults.duplicate, ratio_value);
  result["reorder"] = range_value(network.faults.reorder, ratio_value);
  result["corrupt"] = range_value(network.faults.corrupt, ratio_value);
  nlohmann::json links = nlohmann::json::array();
  for (const link_override_spec& link : network.links) {
    nlohmann::json entry = {{"from", link.from}, {"to", link.to}};
    nlohmann::json delay = nlohmann::json::object();
    if (link.floor_ns) delay["floor"] = range_value(*link.floor_ns, duration_value);
    if (link.jitter_ns) delay["jitter"] = range_value(*link.jitter_ns, duration_value);
    if (link.tail_doublings_max) delay["tail_doublings_max"] = range_value(*link.tail_doublings_max, plain);
    if (!delay.empty()) entry["delay"] = delay;
    if (link.drop) entry["drop"] = range_value(*link.drop, ratio_value);
    if (link.duplicate) entry["duplicate"] = range_value(*link.duplicate, ratio_value);
    if (link.reorder) entry["reorder"] = range_value(*link.reorder, ratio_value);
    if (link.corrupt) entry["corrupt"] = range_value(*link.corrupt, ratio_value);
    if (link.survives_heal) entry["survives_heal"] = true;
    links.push_back(entry);
  }
  if (!links.empty()) result["links"] = links;
  return result;
}

nlohmann::json fault_json(const fault_spec& fault) {
  nlohmann::json entry = {{"at", format_duration(fault.at_ns)}, {"kind", fault_kind_name(fault.kind)}};
  if (!fault.targets.empty()) entry["targets"] = fault.targets;
  if (!fault.groups.empty()) entry["groups"] = fault.groups;
  if (fault.duration_ns) entry["duration"] = format_duration(*fault.duration_ns);
  if (fault.kind == fault_kind::drift) entry["drift_ppm"] = fault.drift_ppm;
  return entry;
}

nlohmann::json trigger_json(const trigger_spec& trigger) {
  nlohmann::json entry = fault_json(trigger.fault);
  entry.erase("at");
  entry["on"] = {{trigger.event == trigger_event::role ? "role" : "delivery", trigger.match}};
  entry["after"] = range_value(trigger.after_ns, duration_value);
  entry["probability"] = format_ratio(trigger.probability);
  entry["times_max"] = trigger.times_max;
  if (trigger.duration_ns) entry["duration"] = range_value(*trigger.duration_ns, duration_value);
  return entry;
}

nlohmann::json faults_json(const scenario& input) {
  nlohmann::json schedule = nlohmann::json::array();
  for (const fault_spec& fault : input.schedule) schedule.push_back(fault_json(fault));
  nlohmann::json triggers = nlohmann::json::array();
  for (const trigger_spec& trigger : input.triggers) triggers.push_back(trigger_json(trigger));
  nlohmann::json kinds = nlohmann::json::array();
  for (fault_kind kind : input.swarm.kinds) kinds.push_back(fault_kind_name(kind));
  const swarm_spec& swarm = input.swarm;
  nlohmann::json result = {{"schedule", schedule},
          {"swarm",
           {{"enabled", swarm.enabled},
            {"interval", range_value(swarm.interval_ns, duration_value)},
            {"duration", range_value(swarm.duration_ns, duration_value)},
            {"kinds", kinds},
            {"max_faulty", swarm.max_faulty},
            {"drift_ppm", range_value(swarm.drift_ppm, plain)}}}};
  // Written only when there are some, so that the canonical form of every
  // scenario without triggers (and the traces that store it) stays as it was.
  if (!triggers.empty()) result["triggers"] = triggers;
  return result;
}

}  // namespace

std::string scenario_to_json(const scenario& input) {
  nlohmann::json result;
  result["version"] = input.version;
  result["name"] = input.name;
  result["description"] = input.description;
  result["protocol"] = {{"name", input.protocol}, {"options", nlohmann::json::parse(input.protocol_options_json)}};
  result["workload"] = nlohmann::json::parse(input.workload_json);
  result["cluster"] = {{"servers", range_value(input.cluster.servers, plain)},
                       {"clients", range_value(input.cluster.clients, plain)}};
  result["network"] = network_json(input.network);
  result["disk"] = {{"fsync", fsync_policy_name(input.disk.fsync)},
                    {"fsync_delay", range_value(input.disk.fsync_delay_ns, duration_value)},
                    {"flush_interval", format_duration(input.disk.flush_interval_ns)}};
  result["clock"] = {{"drift_ppm", range_value(input.clock.drift_ppm, plain)}};
  result["faults"] = faults_json(input);
  result["duration"] = format_duration(input.duration_ns);
  nlohmann::json checkers = {{"every_events", input.checkers.every_events},
                             {"liveness_bound", format_duration(input.checkers.liveness_bound_ns)}};
  if (input.checkers.only) checkers["only"] = *input.checkers.only;
  result["checkers"] = checkers;
  result["bugs"] = input.bugs;
  if (input.seed) result["seed"] = *input.seed;
  return result.dump(2) + "\n";
}

}  // namespace sim
