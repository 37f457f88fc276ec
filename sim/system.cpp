#include "sim/system.hpp"

#include <algorithm>

namespace sim {

const system_definition* find_system_definition(const std::string& name) {
  for (const system_definition* definition : system_definitions()) {
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

void check_bugs(const scenario& input, const system_definition& definition) {
  std::vector<std::string> known;
  for (const bug_description& bug : definition.bugs()) known.push_back(bug.name);
  for (std::size_t index = 0; index < input.bugs.size(); ++index) {
    if (std::find(known.begin(), known.end(), input.bugs[index]) == known.end()) {
      throw scenario_error(input.source_file, "/bugs/" + std::to_string(index),
                           "unknown bug switch \"" + input.bugs[index] + "\" for protocol " +
                               definition.name() + "; known: " + known_names(known));
    }
  }
}

void check_checkers(const scenario& input, const system_definition& definition) {
  if (!input.checkers.only) return;
  std::vector<std::string> known;
  for (const checker_description& item : definition.checkers()) known.push_back(item.name);
  const auto& only = *input.checkers.only;
  for (std::size_t index = 0; index < only.size(); ++index) {
    if (std::find(known.begin(), known.end(), only[index]) == known.end()) {
      throw scenario_error(input.source_file, "/checkers/only/" + std::to_string(index),
                           "unknown checker \"" + only[index] + "\" for protocol " +
                               definition.name() + "; known: " + known_names(known));
    }
  }
}

}  // namespace

std::shared_ptr<const system> configure_system(const scenario& input) {
  const system_definition* definition = find_system_definition(input.protocol);
  if (definition == nullptr) {
    std::vector<std::string> known;
    for (const system_definition* item : system_definitions()) known.push_back(item->name());
    throw scenario_error(input.source_file, "/protocol/name",
                         "unknown protocol \"" + input.protocol + "\"; known: " + known_names(known));
  }
  check_bugs(input, *definition);
  check_checkers(input, *definition);
  const std::set<std::string> bugs(input.bugs.begin(), input.bugs.end());
  return definition->configure(input, bugs);
}

}  // namespace sim
