#pragma once
// Each subcommand of `syncsim` registers itself on the CLI11 app and stores
// its exit code in `exit_code` when it runs.

namespace CLI {
class App;
}

namespace tools {

void add_run_command(CLI::App& app, int& exit_code);
void add_replay_command(CLI::App& app, int& exit_code);
void add_validate_command(CLI::App& app, int& exit_code);
void add_bench_command(CLI::App& app, int& exit_code);
void add_list_command(CLI::App& app, int& exit_code);
void add_check_history_command(CLI::App& app, int& exit_code);
void add_render_command(CLI::App& app, int& exit_code);
void add_fuzz_command(CLI::App& app, int& exit_code);
void add_shrink_command(CLI::App& app, int& exit_code);

}  // namespace tools
