#include "sim/scenario_rules.hpp"

#include <algorithm>
#include <set>

namespace sim {
namespace {

bool takes_targets(fault_kind kind) {
  return kind != fault_kind::partition && kind != fault_kind::partition_one_way && kind != fault_kind::heal;
}

bool takes_duration(fault_kind kind) {
  return kind == fault_kind::crash || kind == fault_kind::pause || kind == fault_kind::partition ||
         kind == fault_kind::partition_one_way || kind == fault_kind::isolate;
}

fault_kind read_kind(json_object& entry, const std::string& key, const std::string& name) {
  const auto kind = parse_fault_kind(name);
  if (!kind) {
    entry.fail(key, "unknown fault kind \"" + name +
                        "\"; known: crash, restart, pause, resume, lose, partition, partition_one_way, isolate, "
                        "heal, drift");
  }
  return *kind;
}

std::vector<std::vector<std::string>> read_groups(json_object& entry) {
  std::vector<std::vector<std::string>> groups;
  const nlohmann::json* value = entry.take("groups");
  if (value == nullptr) return groups;
  if (!value->is_array()) entry.fail("groups", "expected an array of arrays of process names, found " + describe_json(*value));
  for (std::size_t index = 0; index < value->size(); ++index) {
    const nlohmann::json& group = (*value)[index];
    const std::string where = entry.pointer_of("groups") + "/" + std::to_string(index);
    if (!group.is_array()) throw scenario_error(entry.file(), where, "expected an array of process names, found " + describe_json(group));
    std::vector<std::string> names;
    for (std::size_t member = 0; member < group.size(); ++member) {
      if (!group[member].is_string()) {
        throw scenario_error(entry.file(), where + "/" + std::to_string(member),
                             "expected a process name, found " + describe_json(group[member]));
      }
      names.push_back(group[member].get<std::string>());
    }
    groups.push_back(std::move(names));
  }
  return groups;
}

// What a scheduled fault and a triggered one share: the kind and whom it hits.
void parse_fault_action(json_object& entry, fault_spec& fault) {
  fault.pointer = entry.pointer();
  if (!entry.has("kind")) entry.fail("kind", "required: the fault kind");
  fault.kind = read_kind(entry, "kind", entry.text("kind", ""));
  if ((fault.kind == fault_kind::drift) != entry.has("drift_ppm")) {
    entry.fail("drift_ppm", fault.kind == fault_kind::drift ? "drift needs \"drift_ppm\""
                                                            : "only a drift fault takes \"drift_ppm\"");
  }
  fault.targets = entry.text_list("targets");
  fault.groups = read_groups(entry);
  if (entry.has("drift_ppm")) fault.drift_ppm = entry.integer("drift_ppm", 0, -100'000, 100'000);
}

fault_spec parse_fault(json_object& entry, time_ns run_duration) {
  fault_spec fault;
  if (!entry.has("at")) entry.fail("at", "required: when the fault happens");
  fault.at_ns = entry.duration("at", 0, 0, run_duration);
  parse_fault_action(entry, fault);
  if (entry.has("duration")) fault.duration_ns = entry.duration("duration", 0, 1, 3600 * second);
  entry.finish();
  return fault;
}

trigger_spec parse_trigger(json_object& entry) {
  trigger_spec trigger;
  trigger.pointer = entry.pointer();
  auto on = entry.object("on");
  if (!on) entry.fail("on", "required: {\"role\": NAME} or {\"delivery\": MESSAGE PREFIX}");
  if (on->has("role") == on->has("delivery")) {
    on->fail("role", "give exactly one of \"role\" (a server starts to play it) and \"delivery\" "
                     "(a message whose description starts with it is delivered)");
  }
  trigger.event = on->has("role") ? trigger_event::role : trigger_event::delivery;
  trigger.match = on->text(trigger.event == trigger_event::role ? "role" : "delivery", "");
  if (trigger.match.empty()) on->fail(trigger.event == trigger_event::role ? "role" : "delivery", "must not be empty");
  on->finish();
  trigger.after_ns = entry.duration_range("after", trigger.after_ns, 0, 3600 * second);
  const range<ratio> probability = entry.ratio_range("probability", range<ratio>::exactly(trigger.probability));
  if (!probability.fixed()) entry.fail("probability", "one ratio, not a range: the chance that each event fires");
  trigger.probability = probability.minimum;
  trigger.times_max = static_cast<std::uint32_t>(entry.integer("times_max", trigger.times_max, 1, 1'000'000));
  parse_fault_action(entry, trigger.fault);
  trigger.fault.pointer = trigger.pointer;
  if (entry.has("duration")) trigger.duration_ns = entry.duration_range("duration", {0, 0}, 1, 3600 * second);
  entry.finish();
  return trigger;
}

swarm_spec parse_swarm(json_object& section) {
  swarm_spec swarm;
  swarm.enabled = section.boolean("enabled", true);
  swarm.interval_ns = section.duration_range("interval", swarm.interval_ns, millisecond, 3600 * second);
  swarm.duration_ns = section.duration_range("duration", swarm.duration_ns, millisecond, 3600 * second);
  const std::vector<std::string> kinds = section.text_list("kinds");
  for (std::size_t index = 0; index < kinds.size(); ++index) {
    const std::string key = "kinds/" + std::to_string(index);
    const auto kind = parse_fault_kind(kinds[index]);
    if (!kind || *kind == fault_kind::restart || *kind == fault_kind::resume || *kind == fault_kind::heal) {
      throw scenario_error(section.file(), section.pointer_of("kinds") + "/" + std::to_string(index),
                           "expected one of crash, pause, lose, partition, partition_one_way, isolate, drift; "
                           "found \"" + kinds[index] + "\"");
    }
    swarm.kinds.push_back(*kind);
  }
  swarm.max_faulty = static_cast<std::uint32_t>(section.integer("max_faulty", swarm.max_faulty, 0, max_servers));
  swarm.drift_ppm = section.integer_range("drift_ppm", swarm.drift_ppm, -100'000, 100'000);
  section.finish();
  return swarm;
}

}  // namespace

void parse_faults(json_object& section, scenario& result) {
  if (const nlohmann::json* schedule = section.take("schedule")) {
    if (!schedule->is_array()) section.fail("schedule", "expected an array of faults, found " + describe_json(*schedule));
    for (std::size_t index = 0; index < schedule->size(); ++index) {
      json_object entry((*schedule)[index], section.file(), section.pointer_of("schedule") + "/" + std::to_string(index));
      result.schedule.push_back(parse_fault(entry, result.duration_ns));
    }
  }
  if (const nlohmann::json* triggers = section.take("triggers")) {
    if (!triggers->is_array()) section.fail("triggers", "expected an array of triggers, found " + describe_json(*triggers));
    for (std::size_t index = 0; index < triggers->size(); ++index) {
      json_object entry((*triggers)[index], section.file(), section.pointer_of("triggers") + "/" + std::to_string(index));
      result.triggers.push_back(parse_trigger(entry));
    }
  }
  if (auto swarm = section.object("swarm")) result.swarm = parse_swarm(*swarm);
  section.finish();
}

namespace {

struct process_names {
  std::uint32_t servers;
  std::uint32_t clients;
  bool exists(const std::string& name) const {
    for (std::uint32_t index = 0; index < servers; ++index) {
      if (name == server_name(index)) return true;
    }
    for (std::uint32_t index = 0; index < clients; ++index) {
      if (name == client_name(index)) return true;
    }
    return false;
  }
  std::string smallest() const {
    return std::to_string(servers) + " servers (n0..n" + std::to_string(servers - 1) + ") and " +
           std::to_string(clients) + " clients";
  }
};

bool is_role_target(const std::string& target) {
  if (target.size() < 2 || target[0] != '@') return false;
  return std::all_of(target.begin() + 1, target.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

void check_name(const scenario& input, const process_names& names, const std::string& name, const std::string& where,
                bool allow_roles, bool allow_wildcard) {
  if (allow_roles && is_role_target(name)) return;
  if (allow_wildcard && name == "*") return;
  if (names.exists(name)) return;
  throw scenario_error(input.source_file, where,
                       "\"" + name + "\" names no process of the smallest cluster this scenario allows (" +
                           names.smallest() + ")" + (allow_roles ? "; or use \"@random\" or \"@ROLE\"" : ""));
}

void check_fault_shape(const scenario& input, const fault_spec& fault) {
  const std::string& file = input.source_file;
  const char* kind = fault_kind_name(fault.kind);
  if (takes_targets(fault.kind) && fault.targets.empty()) {
    throw scenario_error(file, fault.pointer + "/targets", std::string(kind) + " needs non-empty \"targets\"");
  }
  if (!takes_targets(fault.kind) && !fault.targets.empty()) {
    throw scenario_error(file, fault.pointer + "/targets", std::string(kind) + " takes no \"targets\"");
  }
  const bool partition = fault.kind == fault_kind::partition || fault.kind == fault_kind::partition_one_way;
  if (!partition && !fault.groups.empty()) {
    throw scenario_error(file, fault.pointer + "/groups", std::string(kind) + " takes no \"groups\"");
  }
  if (partition && (fault.groups.size() < 2 || (fault.kind == fault_kind::partition_one_way && fault.groups.size() != 2))) {
    throw scenario_error(file, fault.pointer + "/groups",
                         fault.kind == fault_kind::partition ? "partition needs at least two groups"
                                                             : "partition_one_way needs exactly two groups");
  }
  if (fault.duration_ns && !takes_duration(fault.kind)) {
    throw scenario_error(file, fault.pointer + "/duration", std::string(kind) + " takes no \"duration\"");
  }
}

void check_fault_names(const scenario& input, const fault_spec& fault, const process_names& names) {
  std::set<std::string> seen;
  for (std::size_t group = 0; group < fault.groups.size(); ++group) {
    if (fault.groups[group].empty()) {
      throw scenario_error(input.source_file, fault.pointer + "/groups/" + std::to_string(group), "an empty group");
    }
    for (std::size_t member = 0; member < fault.groups[group].size(); ++member) {
      const std::string& name = fault.groups[group][member];
      const std::string where = fault.pointer + "/groups/" + std::to_string(group) + "/" + std::to_string(member);
      check_name(input, names, name, where, true, false);
      if (!seen.insert(name).second) throw scenario_error(input.source_file, where, "\"" + name + "\" is in two groups");
    }
  }
  const bool servers_only = fault.kind == fault_kind::crash || fault.kind == fault_kind::restart ||
                            fault.kind == fault_kind::lose || fault.kind == fault_kind::drift;
  for (std::size_t index = 0; index < fault.targets.size(); ++index) {
    const std::string& target = fault.targets[index];
    const std::string where = fault.pointer + "/targets/" + std::to_string(index);
    check_name(input, names, target, where, true, false);
    if (servers_only && !target.empty() && target[0] == 'c') {
      throw scenario_error(input.source_file, where, std::string(fault_kind_name(fault.kind)) + " applies to servers only");
    }
  }
}

// "@subject" is the server a trigger's event happened to; a fault at a
// fixed time has none.
void check_no_subject(const scenario& input, const fault_spec& fault) {
  for (std::size_t index = 0; index < fault.targets.size(); ++index) {
    if (fault.targets[index] == "@subject") {
      throw scenario_error(input.source_file, fault.pointer + "/targets/" + std::to_string(index),
                           "\"@subject\" names the server of a trigger's event; a scheduled fault has none");
    }
  }
  for (std::size_t group = 0; group < fault.groups.size(); ++group) {
    for (std::size_t member = 0; member < fault.groups[group].size(); ++member) {
      if (fault.groups[group][member] != "@subject") continue;
      throw scenario_error(input.source_file,
                           fault.pointer + "/groups/" + std::to_string(group) + "/" + std::to_string(member),
                           "\"@subject\" names the server of a trigger's event; a scheduled fault has none");
    }
  }
}

void check_lost_servers_stay_lost(const scenario& input) {
  std::vector<const fault_spec*> ordered;
  for (const fault_spec& fault : input.schedule) ordered.push_back(&fault);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const fault_spec* left, const fault_spec* right) { return left->at_ns < right->at_ns; });
  std::set<std::string> lost;
  for (const fault_spec* fault : ordered) {
    for (std::size_t index = 0; index < fault->targets.size(); ++index) {
      const std::string& target = fault->targets[index];
      if (fault->kind == fault_kind::lose) lost.insert(target);
      if (fault->kind == fault_kind::restart && lost.count(target) != 0) {
        throw scenario_error(input.source_file, fault->pointer + "/targets/" + std::to_string(index),
                             "\"" + target + "\" was lost for good earlier in the schedule and cannot restart");
      }
    }
  }
}

}  // namespace

void check_scenario_rules(const scenario& input) {
  const process_names names{input.cluster.servers.minimum, input.cluster.clients.minimum};
  for (const link_override_spec& link : input.network.links) {
    check_name(input, names, link.from, link.pointer + "/from", false, true);
    check_name(input, names, link.to, link.pointer + "/to", false, true);
  }
  for (const fault_spec& fault : input.schedule) {
    check_fault_shape(input, fault);
    check_fault_names(input, fault, names);
    check_no_subject(input, fault);
  }
  check_lost_servers_stay_lost(input);
  for (const trigger_spec& trigger : input.triggers) {
    fault_spec shaped = trigger.fault;
    if (trigger.duration_ns) shaped.duration_ns = trigger.duration_ns->minimum;
    check_fault_shape(input, shaped);
    check_fault_names(input, shaped, names);
    if (trigger.fault.kind == fault_kind::lose || trigger.fault.kind == fault_kind::heal) {
      throw scenario_error(input.source_file, trigger.pointer + "/kind",
                           "a trigger cannot lose a server or heal: use the schedule");
    }
  }
  const swarm_spec& swarm = input.swarm;
  if (swarm.enabled && swarm.kinds.empty()) {
    throw scenario_error(input.source_file, "/faults/swarm/kinds", "an enabled swarm needs at least one fault kind");
  }
  const bool takes_servers_down = std::any_of(swarm.kinds.begin(), swarm.kinds.end(), [](fault_kind kind) {
    return kind == fault_kind::crash || kind == fault_kind::pause || kind == fault_kind::lose;
  });
  if (swarm.enabled && takes_servers_down && swarm.max_faulty >= input.cluster.servers.minimum) {
    throw scenario_error(input.source_file, "/faults/swarm/max_faulty",
                         "must leave at least one server up: below the smallest cluster's " +
                             std::to_string(input.cluster.servers.minimum) + " servers");
  }
}

}  // namespace sim
