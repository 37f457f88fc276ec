#include "protocols/registry.hpp"

#include <algorithm>

#include "protocols/bench/bench_system.hpp"
#include "protocols/lock/lock_system.hpp"
#include "protocols/ping/ping_system.hpp"
#include "protocols/raft/raft_system.hpp"

namespace protocols {

const std::vector<const sim::system_definition*>& system_definitions() {
  static const std::vector<const sim::system_definition*> definitions = {
      &ping::ping_definition(),
      &raft::raft_definition(),
      &lock::lock_definition(),
      &bench::bench_definition(),
  };
  return definitions;
}

const sim::system_definition* find_system_definition(const std::string& name) {
  for (const sim::system_definition* definition : system_definitions()) {
    if (definition->name() == name) return definition;
  }
  return nullptr;
}

namespace {

std::string known_names(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "(none)" : text;
}

void check_bugs(const sim::scenario& input, const sim::system_definition& definition) {
  std::vector<std::string> known;
  for (const sim::bug_description& bug : definition.bugs()) known.push_back(bug.name);
  for (std::size_t index = 0; index < input.bugs.size(); ++index) {
    if (std::find(known.begin(), known.end(), input.bugs[index]) == known.end()) {
      throw sim::scenario_error(input.source_file, "/bugs/" + std::to_string(index),
                           "unknown bug switch \"" + input.bugs[index] + "\" for protocol " +
                               definition.name() + "; known: " + known_names(known));
    }
  }
}

void check_checkers(const sim::scenario& input, const sim::system_definition& definition) {
  if (!input.checkers.only) return;
  std::vector<std::string> known;
  for (const sim::checker_description& item : definition.checkers()) known.push_back(item.name);
  const auto& only = *input.checkers.only;
  for (std::size_t index = 0; index < only.size(); ++index) {
    if (std::find(known.begin(), known.end(), only[index]) == known.end()) {
      throw sim::scenario_error(input.source_file, "/checkers/only/" + std::to_string(index),
                           "unknown checker \"" + only[index] + "\" for protocol " +
                               definition.name() + "; known: " + known_names(known));
    }
  }
}

}  // namespace

std::shared_ptr<const sim::system> configure_system(const sim::scenario& input) {
  const sim::system_definition* definition = find_system_definition(input.protocol);
  if (definition == nullptr) {
    std::vector<std::string> known;
    for (const sim::system_definition* item : system_definitions()) known.push_back(item->name());
    throw sim::scenario_error(input.source_file, "/protocol/name",
                         "unknown protocol \"" + input.protocol + "\"; known: " + known_names(known));
  }
  check_bugs(input, *definition);
  check_checkers(input, *definition);
  const std::set<std::string> bugs(input.bugs.begin(), input.bugs.end());
  return definition->configure(input, bugs);
}

}  // namespace protocols
