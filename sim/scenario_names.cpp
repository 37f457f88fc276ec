#include <string>

#include "sim/scenario.hpp"

namespace sim {

scenario_error::scenario_error(const std::string& file, const std::string& location, const std::string& message)
    : std::runtime_error(location.empty()                      ? file + ": " + message
                         : location[0] >= '0' && location[0] <= '9' ? file + ":" + location + ": " + message
                                                                    : file + ": " + location + ": " + message),
      file_(file),
      location_(location),
      message_(message) {}

namespace {

struct fault_kind_entry {
  fault_kind kind;
  const char* name;
};

constexpr fault_kind_entry fault_kind_names[] = {
    {fault_kind::crash, "crash"},         {fault_kind::restart, "restart"},
    {fault_kind::pause, "pause"},         {fault_kind::resume, "resume"},
    {fault_kind::lose, "lose"},           {fault_kind::partition, "partition"},
    {fault_kind::partition_one_way, "partition_one_way"},
    {fault_kind::isolate, "isolate"},     {fault_kind::heal, "heal"},
    {fault_kind::drift, "drift"},
};

}  // namespace

const char* fault_kind_name(fault_kind kind) {
  for (const fault_kind_entry& entry : fault_kind_names) {
    if (entry.kind == kind) return entry.name;
  }
  return "unknown";
}

std::optional<fault_kind> parse_fault_kind(const std::string& name) {
  for (const fault_kind_entry& entry : fault_kind_names) {
    if (name == entry.name) return entry.kind;
  }
  return std::nullopt;
}

const char* fsync_policy_name(fsync_policy policy) {
  switch (policy) {
    case fsync_policy::always: return "always";
    case fsync_policy::everysec: return "everysec";
    case fsync_policy::no: return "no";
  }
  return "unknown";
}

std::string server_name(std::uint32_t index) { return "n" + std::to_string(index); }
std::string client_name(std::uint32_t index) { return "c" + std::to_string(index); }

}  // namespace sim
