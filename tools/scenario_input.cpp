#include "tools/scenario_input.hpp"

#include "tools/default_scenario.hpp"

namespace tools {

sim::scenario load_scenario_or_default(const std::string& path) {
  if (path.empty()) return sim::parse_scenario(default_scenario_text(), default_scenario_name);
  return sim::load_scenario_file(path);
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
