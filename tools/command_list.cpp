// `syncsim list protocols|checkers|bugs|faults`.
#include <CLI/CLI.hpp>
#include <iostream>

#include "protocols/registry.hpp"
#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"

namespace tools {
namespace {

void list_faults() {
  static const char* const lines[] = {
      "crash              servers lose volatile state and unsynced writes; restart after `duration`",
      "restart            crashed servers start again from their disk",
      "pause              processes stop handling events; resume after `duration`",
      "resume             paused processes continue",
      "lose               permanent loss: crashed, disk wiped, never restarts",
      "partition          cut every link between processes of different groups",
      "partition_one_way  cut the links from groups[0] to groups[1] only",
      "isolate            cut every link to and from each target",
      "heal               remove every partition",
      "drift              set the targets' clock drift to drift_ppm",
  };
  for (const char* line : lines) std::cout << line << "\n";
}

int list(const std::string& what) {
  for (const sim::system_definition* definition : protocols::system_definitions()) {
    if (what == "protocols") {
      std::cout << definition->name() << "  " << definition->summary() << "\n";
    } else if (what == "checkers") {
      for (const auto& item : definition->checkers()) {
        std::cout << item.name << "  [" << sim::checker_kind_name(item.kind) << "]  " << item.summary << "\n";
      }
    } else if (what == "bugs") {
      for (const auto& item : definition->bugs()) {
        std::cout << item.name << "  caught by " << item.checker << "  " << item.summary << "\n";
      }
    }
  }
  if (what == "faults") list_faults();
  return exit_pass;
}

}  // namespace

void add_list_command(CLI::App& app, int& exit_code) {
  auto what = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand("list", "List protocols, checkers, bug switches or fault kinds");
  command->add_option("what", *what, "protocols, checkers, bugs or faults")
      ->required()
      ->check(CLI::IsMember({"protocols", "checkers", "bugs", "faults"}));
  command->footer(exit_codes_help);
  command->callback([what, &exit_code] { exit_code = list(*what); });
}

}  // namespace tools
