// `syncsim render`: pictures of a run from its trace.
//   render dot TRACE       a lock manager run's wait-for graph at a time, or
//                          at each deadlock, as DOT, SVG or PNG (the last two
//                          through Graphviz's `dot`)
//   render mermaid TRACE   a Mermaid sequence diagram of a short (shrunk) run:
//                          every message, fault and client operation in order
//   render perfetto TRACE  Chrome trace-event JSON for ui.perfetto.dev: a
//                          timeline per process, messages as flow arrows
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>

#include "protocols/lock/lock_render.hpp"
#include "sim/json_walker.hpp"
#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"
#include "tools/render_files.hpp"
#include "traces/mermaid.hpp"
#include "traces/perfetto.hpp"
#include "traces/replay.hpp"

namespace tools {
namespace {

struct render_options {
  std::string trace_path;
  std::string at;
  std::string format = "dot";
  std::string output;
};

int render_at(const render_options& options, const traces::trace_header& header, sim::time_ns time) {
  const protocols::lock::wait_for_picture picture = protocols::lock::wait_for_at(header.scenario, header.seed, time);
  if (options.format == "dot" && options.output.empty()) {
    std::cout << picture.dot;
    return exit_pass;
  }
  const std::string output =
      options.output.empty() ? picture_path(options.trace_path, "at-" + options.at, options.format) : options.output;
  std::string problem;
  if (!write_picture(picture.dot, output, options.format, problem)) {
    std::cerr << "syncsim render: " << problem << "\n";
    return exit_usage;
  }
  std::cout << output << "\n";
  return exit_pass;
}

int render_deadlocks(const render_options& options, const traces::trace_header& header) {
  const auto pictures = protocols::lock::deadlock_pictures(header.scenario, header.seed);
  if (pictures.empty()) {
    std::cout << "no deadlock in this run\n";
    return exit_pass;
  }
  for (std::size_t index = 0; index < pictures.size(); ++index) {
    const std::string output = picture_path(options.output.empty() ? options.trace_path : options.output,
                                            "deadlock-" + std::to_string(index + 1), options.format);
    std::string problem;
    if (!write_picture(pictures[index].dot, output, options.format, problem)) {
      std::cerr << "syncsim render: " << problem << "\n";
      return exit_usage;
    }
    std::cout << output << " (t=" << pictures[index].time / sim::millisecond << "ms)\n";
  }
  return exit_pass;
}

int render(const render_options& options) {
  if (options.format != "dot" && options.format != "svg" && options.format != "png") {
    std::cerr << "syncsim render: --format: expected dot, svg or png, found \"" << options.format << "\"\n";
    return exit_usage;
  }
  std::optional<sim::time_ns> time;
  if (!options.at.empty()) {
    time = sim::parse_duration(options.at);
    if (!time) {
      std::cerr << "syncsim render: --at: expected a duration such as 2s or 1500ms, found \"" << options.at << "\"\n";
      return exit_usage;
    }
  }
  try {
    const traces::trace_header header = traces::read_trace_header(options.trace_path);
    return time ? render_at(options, header, *time) : render_deadlocks(options, header);
  } catch (const traces::trace_error& error) {
    std::cerr << "syncsim render: " << error.what() << "\n";
  } catch (const sim::scenario_error& error) {
    std::cerr << "syncsim render: " << options.trace_path << ": " << error.what() << "\n";
  }
  return exit_usage;
}

struct export_options {
  std::string trace_path;
  std::string output;
  traces::mermaid_options mermaid;
};

// Runs an exporter and writes its text to standard output or to --output;
// nothing is written when the trace cannot be read.
template <typename Exporter>
int export_trace(const export_options& options, Exporter exporter) {
  try {
    const std::string text = exporter();
    if (options.output.empty()) {
      std::cout << text;
      return exit_pass;
    }
    std::string problem;
    if (write_text(options.output, text, problem)) return exit_pass;
    std::cerr << "syncsim render: " << problem << "\n";
  } catch (const traces::trace_error& error) {
    std::cerr << "syncsim render: " << error.what() << "\n";
  } catch (const traces::diagram_too_long& error) {
    std::cerr << "syncsim render: " << error.what() << "\n";
  }
  return exit_usage;
}

void add_dot_command(CLI::App& render_command, int& exit_code) {
  auto options = std::make_shared<render_options>();
  CLI::App* dot = render_command.add_subcommand(
      "dot", "A lock manager run's wait-for graph at a time (--at), or at each deadlock, as DOT, SVG or PNG");
  dot->add_option("trace", options->trace_path, "Trace file (.jsonl) written by `syncsim run --trace`")->required();
  dot->add_option("--at", options->at, "The simulated time to draw (\"2s\", \"1500ms\"); default: each deadlock");
  dot->add_option("--format", options->format, "dot (default), svg or png; svg and png need Graphviz's `dot`");
  dot->add_option("-o,--output", options->output,
                  "Output file (with --at; default: DOT to standard output, pictures beside the trace), or the "
                  "stem for one file per deadlock (default: the trace's)");
  dot->footer(exit_codes_help);
  dot->callback([options, &exit_code] { exit_code = render(*options); });
}

void add_mermaid_command(CLI::App& render_command, int& exit_code) {
  auto options = std::make_shared<export_options>();
  CLI::App* mermaid = render_command.add_subcommand(
      "mermaid",
      "A Mermaid sequence diagram of a short (shrunk) run: an arrow per message delivered, lost or corrupted, "
      "notes for faults, restarts, client operations, the heal and the violation");
  mermaid->add_option("trace", options->trace_path, "Trace file (.jsonl) written by `syncsim run --trace`")->required();
  mermaid->add_option("-o,--output", options->output, "Output file (default: standard output)");
  mermaid->add_flag("--timers", options->mermaid.timers, "A note for every timer that fires (left out by default)");
  mermaid
      ->add_option("--max-lines", options->mermaid.lines_max,
                   "Refuse a longer diagram (default 3000); shrink the run first with `syncsim shrink`")
      ->check(CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()));
  mermaid->footer(exit_codes_help);
  mermaid->callback([options, &exit_code] {
    exit_code = export_trace(*options, [&] { return traces::render_mermaid(options->trace_path, options->mermaid); });
  });
}

void add_perfetto_command(CLI::App& render_command, int& exit_code) {
  auto options = std::make_shared<export_options>();
  CLI::App* perfetto = render_command.add_subcommand(
      "perfetto",
      "Chrome trace-event JSON for ui.perfetto.dev: a timeline per process in simulated time, messages as flow "
      "arrows, client operations as slices, faults and the violation as instants");
  perfetto->add_option("trace", options->trace_path, "Trace file (.jsonl) written by `syncsim run --trace`")
      ->required();
  perfetto->add_option("-o,--output", options->output, "Output file (default: standard output)");
  perfetto->footer(exit_codes_help);
  perfetto->callback([options, &exit_code] {
    exit_code = export_trace(*options, [&] { return traces::render_perfetto(options->trace_path); });
  });
}

}  // namespace

void add_render_command(CLI::App& app, int& exit_code) {
  CLI::App* render_command = app.add_subcommand("render", "Draw a run from its trace");
  render_command->require_subcommand(1);
  add_dot_command(*render_command, exit_code);
  add_mermaid_command(*render_command, exit_code);
  add_perfetto_command(*render_command, exit_code);
}

}  // namespace tools
