// syncsim: a deterministic simulator and model checker for distributed
// synchronization protocols. This file only wires the subcommands.
#include <CLI/CLI.hpp>
#include <exception>
#include <iostream>

#include "syncsim_version.hpp"
#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"

int main(int argc, char** argv) {
  CLI::App app{"syncsim: deterministic simulation and checking of distributed synchronization protocols"};
  app.set_version_flag("--version", std::string(SYNCSIM_VERSION) + " (" + SYNCSIM_GIT_REVISION + ")");
  app.footer(tools::exit_codes_help);
  app.require_subcommand(1);
  int exit_code = tools::exit_pass;
  tools::add_run_command(app, exit_code);
  tools::add_replay_command(app, exit_code);
  tools::add_fuzz_command(app, exit_code);
  tools::add_shrink_command(app, exit_code);
  tools::add_validate_command(app, exit_code);
  tools::add_bench_command(app, exit_code);
  tools::add_list_command(app, exit_code);
  tools::add_check_history_command(app, exit_code);
  tools::add_render_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // CLI11 uses codes from 100 up; syncsim documents 2 for every usage error.
    const int printed = app.exit(error);
    return printed == 0 ? tools::exit_pass : tools::exit_usage;
  } catch (const std::exception& error) {
    std::cerr << "syncsim: internal error: " << error.what() << "\n";
    return tools::exit_internal;
  }
  return exit_code;
}
