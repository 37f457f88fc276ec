#include "tools/scenario_input.hpp"

#include <algorithm>

#include "protocols/registry.hpp"
#include "tools/default_scenario.hpp"

namespace tools {

sim::scenario load_scenario_or_default(const std::string& path) {
  if (path.empty()) return sim::parse_scenario(default_scenario_text(), default_scenario_name);
  return sim::load_scenario_file(path);
}

void add_bug_switches(sim::scenario& input, const std::vector<std::string>& bugs) {
  const sim::system_definition* family = protocols::find_system_definition(input.protocol);
  if (family == nullptr) return;  // configuring the scenario names the unknown protocol
  std::vector<std::string> known;
  for (const sim::bug_description& bug : family->bugs()) known.push_back(bug.name);
  for (const std::string& bug : bugs) {
    if (std::find(known.begin(), known.end(), bug) == known.end()) {
      std::string names;
      for (const std::string& name : known) names += (names.empty() ? "" : ", ") + name;
      throw sim::scenario_error("--bug", "",
                                "unknown bug switch \"" + bug + "\" for protocol " + family->name() + " (of " +
                                    input.source_file + "); known: " + (names.empty() ? "(none)" : names));
    }
    if (std::find(input.bugs.begin(), input.bugs.end(), bug) == input.bugs.end()) input.bugs.push_back(bug);
  }
}

namespace {

// Quotes an argument for a POSIX shell when it needs it.
std::string shell_quote(const std::string& text) {
  const bool plain = !text.empty() && text.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@%+") == std::string::npos;
  if (plain) return text;
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

std::string replay_command(const sim::scenario& input, std::uint64_t seed,
                           const std::vector<std::string>& extra_bugs) {
  std::string command = "syncsim run";
  if (input.source_file != default_scenario_name) command += " " + shell_quote(input.source_file);
  command += " --seed " + std::to_string(seed);
  for (const std::string& bug : extra_bugs) command += " --bug " + shell_quote(bug);
  return command;
}

}  // namespace tools
