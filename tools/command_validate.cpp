// `syncsim validate SCENARIO...`: the schema rules and the semantic ones,
// including each protocol's own options.
#include <CLI/CLI.hpp>
#include <iostream>

#include "protocols/registry.hpp"
#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"

namespace tools {
namespace {

int validate(const std::vector<std::string>& paths) {
  int result = exit_pass;
  for (const std::string& path : paths) {
    try {
      const sim::scenario input = sim::load_scenario_file(path);
      protocols::configure_system(input);
      std::cout << path << ": ok\n";
    } catch (const sim::scenario_error& error) {
      std::cout << error.what() << "\n";
      result = exit_usage;
    }
  }
  return result;
}

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto paths = std::make_shared<std::vector<std::string>>();
  CLI::App* command = app.add_subcommand("validate", "Check scenario files; print `FILE: ok` or each error");
  command->add_option("scenarios", *paths, "Scenario files")->required();
  command->footer(exit_codes_help);
  command->callback([paths, &exit_code] { exit_code = validate(*paths); });
}

}  // namespace tools
