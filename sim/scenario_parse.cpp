// Scenario JSON to sim::scenario: every section read through json_object, so
// every error carries the file and the JSON pointer.
#include <fstream>
#include <sstream>

#include "sim/json_walker.hpp"
#include "sim/scenario_rules.hpp"

namespace sim {
namespace {

constexpr time_ns longest_run = 3600 * second;
constexpr time_ns longest_delay = 60 * second;

delay_spec parse_delay(json_object& section, const delay_spec& fallback) {
  delay_spec result = fallback;
  result.floor_ns = section.duration_range("floor", fallback.floor_ns, 0, longest_delay);
  result.jitter_ns = section.duration_range("jitter", fallback.jitter_ns, 0, longest_delay);
  result.tail_doublings_max = section.count_range("tail_doublings_max", fallback.tail_doublings_max, 0, 20);
  section.finish();
  return result;
}

link_fault_spec parse_link_faults(json_object& section, const link_fault_spec& fallback) {
  link_fault_spec result;
  result.drop = section.ratio_range("drop", fallback.drop);
  result.duplicate = section.ratio_range("duplicate", fallback.duplicate);
  result.reorder = section.ratio_range("reorder", fallback.reorder);
  result.corrupt = section.ratio_range("corrupt", fallback.corrupt);
  return result;
}

link_override_spec parse_link_override(json_object& entry) {
  link_override_spec result;
  result.pointer = entry.pointer();
  result.from = entry.text("from", "*");
  result.to = entry.text("to", "*");
  if (auto delay = entry.object("delay")) {
    const delay_spec absent{{-1, -1}, {-1, -1}, {99, 99}};
    const delay_spec parsed = parse_delay(*delay, absent);
    if (parsed.floor_ns != absent.floor_ns) result.floor_ns = parsed.floor_ns;
    if (parsed.jitter_ns != absent.jitter_ns) result.jitter_ns = parsed.jitter_ns;
    if (parsed.tail_doublings_max != absent.tail_doublings_max) result.tail_doublings_max = parsed.tail_doublings_max;
  }
  const auto optional_ratio = [&entry](const char* key, std::optional<range<ratio>>& target) {
    if (entry.has(key)) target = entry.ratio_range(key, {});
  };
  optional_ratio("drop", result.drop);
  optional_ratio("duplicate", result.duplicate);
  optional_ratio("reorder", result.reorder);
  optional_ratio("corrupt", result.corrupt);
  result.survives_heal = entry.boolean("survives_heal", false);
  entry.finish();
  return result;
}

network_spec parse_network(json_object& section) {
  network_spec result;
  if (auto delay = section.object("delay")) result.delay = parse_delay(*delay, result.delay);
  result.faults = parse_link_faults(section, result.faults);
  if (const nlohmann::json* links = section.take("links")) {
    if (!links->is_array()) section.fail("links", "expected an array of link objects, found " + describe_json(*links));
    for (std::size_t index = 0; index < links->size(); ++index) {
      json_object entry((*links)[index], section.file(), section.pointer_of("links") + "/" + std::to_string(index));
      result.links.push_back(parse_link_override(entry));
    }
  }
  section.finish();
  return result;
}

disk_spec parse_disk(json_object& section) {
  disk_spec result;
  const std::string policy = section.text("fsync", fsync_policy_name(result.fsync));
  if (policy == "always") {
    result.fsync = fsync_policy::always;
  } else if (policy == "everysec") {
    result.fsync = fsync_policy::everysec;
  } else if (policy == "no") {
    result.fsync = fsync_policy::no;
  } else {
    section.fail("fsync", "expected \"always\", \"everysec\" or \"no\", found \"" + policy + "\"");
  }
  result.fsync_delay_ns = section.duration_range("fsync_delay", result.fsync_delay_ns, 0, second);
  result.flush_interval_ns = section.duration("flush_interval", result.flush_interval_ns, millisecond, longest_run);
  section.finish();
  return result;
}

checker_spec parse_checkers(json_object& section) {
  checker_spec result;
  result.every_events = static_cast<std::uint64_t>(section.integer("every_events", 1, 1, 1'000'000));
  if (section.has("only")) result.only = section.text_list("only");
  result.liveness_bound_ns = section.duration("liveness_bound", result.liveness_bound_ns, millisecond, longest_run);
  section.finish();
  return result;
}

// Protocol options and workloads belong to the protocol: kept as canonical
// text and parsed by it, with the same pointer conventions.
std::string protocol_section(json_object& parent, const std::string& key) {
  const nlohmann::json* value = parent.take(key);
  if (value == nullptr) return "{}";
  if (!value->is_object()) parent.fail(key, "expected an object, found " + describe_json(*value));
  return value->dump();
}

void parse_top_level(json_object& root, scenario& result) {
  const nlohmann::json* version = root.take("version");
  if (version == nullptr) root.fail("version", "required: the scenario format version, 1");
  if (!version->is_number_integer() || version->get<std::int64_t>() != scenario_format_version) {
    root.fail("version", "this syncsim reads scenario format version 1, found " + describe_json(*version));
  }
  result.name = root.text("name", "");
  result.description = root.text("description", "");
  if (auto protocol = root.object("protocol")) {
    result.protocol = protocol->text("name", result.protocol);
    result.protocol_options_json = protocol_section(*protocol, "options");
    protocol->finish();
  }
  result.workload_json = protocol_section(root, "workload");
  if (auto cluster = root.object("cluster")) {
    result.cluster.servers = cluster->count_range("servers", result.cluster.servers, 1, max_servers);
    result.cluster.clients = cluster->count_range("clients", result.cluster.clients, 0, max_clients);
    cluster->finish();
  }
  if (auto network = root.object("network")) result.network = parse_network(*network);
  if (auto disk = root.object("disk")) result.disk = parse_disk(*disk);
  if (auto clock = root.object("clock")) {
    result.clock.drift_ppm = clock->integer_range("drift_ppm", result.clock.drift_ppm, -100'000, 100'000);
    clock->finish();
  }
  result.duration_ns = root.duration("duration", result.duration_ns, millisecond, longest_run);
  if (auto faults = root.object("faults")) parse_faults(*faults, result);
  if (auto checkers = root.object("checkers")) result.checkers = parse_checkers(*checkers);
  result.bugs = root.text_list("bugs");
  if (const nlohmann::json* seed = root.take("seed")) {
    if (!seed->is_number_unsigned()) {
      root.fail("seed", "expected an integer from 0 to 2^64-1, found " + describe_json(*seed));
    }
    result.seed = seed->get<std::uint64_t>();
  }
  root.finish();
}

std::string line_and_column(const std::string& text, std::size_t byte) {
  std::size_t line = 1;
  std::size_t column = 1;
  for (std::size_t index = 0; index + 1 < byte && index < text.size(); ++index) {
    if (text[index] == '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

scenario parse_scenario(const std::string& text, const std::string& file) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    std::string message = error.what();
    const std::size_t detail = message.find("syntax error");
    if (detail != std::string::npos) message = message.substr(detail);
    throw scenario_error(file, line_and_column(text, error.byte), "invalid JSON: " + message);
  }
  scenario result;
  result.source_file = file;
  json_object root(document, file, "");
  parse_top_level(root, result);
  check_scenario_rules(result);
  return result;
}

scenario load_scenario_file(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) throw scenario_error(path, "", "cannot open the scenario file");
  std::ostringstream contents;
  contents << input.rdbuf();
  return parse_scenario(contents.str(), path);
}

}  // namespace sim
