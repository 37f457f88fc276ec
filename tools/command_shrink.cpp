// `syncsim shrink TRACE`: the smallest scenario found that still fails the
// trace's checker, written as a scenario file that names its seed, with its
// trace beside it.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "protocols/registry.hpp"
#include "sim/shrink.hpp"
#include "sim/simulation.hpp"
#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"
#include "tools/shrink_runs.hpp"
#include "sim/assert.hpp"
#include "traces/replay.hpp"
#include "traces/trace_writer.hpp"

namespace tools {
namespace {

std::uint64_t operations_per_client_max(const sim::world& state) {
  std::map<sim::process_id, std::uint64_t> invoked;
  std::uint64_t result = 0;
  for (const sim::history_event& item : state.history()) {
    if (item.record.type != sim::history_type::invoke) continue;
    result = std::max(result, ++invoked[item.process]);
  }
  return result;
}

}  // namespace

sim::shrink_trial run_shrink_candidate(const sim::scenario& candidate) {
  sim::shrink_trial trial;
  std::shared_ptr<const sim::system> behaviour;
  try {
    behaviour = protocols::configure_system(candidate);
  } catch (const sim::scenario_error&) {
    trial.valid = false;
    return trial;
  }
  sim::simulation simulation(sim::resolve_run_config(candidate, *candidate.seed), behaviour);
  const sim::run_result result = simulation.run();
  trial.failure = result.failure;
  trial.events = result.events;
  trial.records = result.records;
  trial.operations_per_client_max = operations_per_client_max(simulation.state());
  trial.faults_as_run = simulation.state().config().faults;
  return trial;
}

sim::shrink_outcome shrink_failing_run(const sim::scenario& input, std::uint64_t seed, const sim::shrink_limits& limits) {
  sim::scenario seeded = input;
  seeded.seed = seed;
  const sim::shrink_trial original = run_shrink_candidate(seeded);
  SYNCSIM_ASSERT(original.failure.has_value());
  const sim::system_definition* family = protocols::find_system_definition(input.protocol);
  SYNCSIM_ASSERT(family != nullptr);
  return sim::shrink_scenario(seeded, seed, original.failure->checker, run_shrink_candidate, *family, limits);
}

namespace {


struct shrink_options {
  std::string trace_path;
  std::string output;
  sim::shrink_limits limits;
  bool json = false;
};

// "runs/x.trace.jsonl" to "runs/x.shrunk": where the results go by default.
std::string output_stem(const std::string& trace_path) {
  std::string stem = trace_path;
  for (const std::string suffix : {".jsonl", ".trace"}) {
    if (stem.size() > suffix.size() && stem.ends_with(suffix)) stem.resize(stem.size() - suffix.size());
  }
  return stem + ".shrunk";
}

struct shrink_sizes {
  std::uint64_t events = 0;
  std::uint64_t records = 0;
  sim::time_ns failed_at_ns = 0;
  std::size_t faults = 0;
  std::uint32_t servers = 0;
  std::uint32_t clients = 0;
};

shrink_sizes sizes_of(const sim::scenario& explicit_input, const sim::shrink_trial& trial) {
  return {trial.events,
          trial.records,
          trial.failure->time,
          explicit_input.schedule.size() + explicit_input.triggers.size(),
          explicit_input.cluster.servers.minimum,
          explicit_input.cluster.clients.minimum};
}

nlohmann::ordered_json sizes_json(const shrink_sizes& sizes) {
  return {{"events", sizes.events},       {"trace_events", sizes.records}, {"failed_at_ns", sizes.failed_at_ns},
          {"faults", sizes.faults},       {"servers", sizes.servers},      {"clients", sizes.clients}};
}

void print_report(const sim::shrink_outcome& outcome, const shrink_sizes& before, const shrink_sizes& after,
                  const std::string& scenario_path, const std::string& trace_path) {
  const auto row = [](const std::string& label, auto first, auto second) {
    std::cout << label << std::string(18 - label.size(), ' ') << first << " -> " << second << "\n";
  };
  std::cout << "shrunk in " << outcome.runs << " runs; " << outcome.final.failure->checker << " still fails: "
            << outcome.final.failure->message << "\n";
  row("trace events", before.records, after.records);
  row("events", before.events, after.events);
  row("failed at (ms)", before.failed_at_ns / sim::millisecond, after.failed_at_ns / sim::millisecond);
  row("faults", before.faults, after.faults);
  row("servers", before.servers, after.servers);
  row("clients", before.clients, after.clients);
  std::cout << "steps             ";
  for (std::size_t index = 0; index < outcome.steps.size(); ++index) {
    std::cout << (index ? "; " : "") << outcome.steps[index];
  }
  std::cout << "\nseed              " << *outcome.minimal.seed << "\nscenario          " << scenario_path << " (syncsim run " << scenario_path << ")\n"
            << "trace             " << trace_path << "\n";
}

int shrink(const shrink_options& options) {
  traces::trace_header header;
  try {
    header = traces::read_trace_header(options.trace_path);
  } catch (const traces::trace_error& error) {
    std::cerr << "syncsim shrink: " << error.what() << "\n";
    return exit_usage;
  } catch (const sim::scenario_error& error) {
    std::cerr << "syncsim shrink: " << options.trace_path << ": " << error.what() << "\n";
    return exit_usage;
  }
  sim::scenario input = header.scenario;
  input.seed = header.seed;
  const sim::shrink_trial original = run_shrink_candidate(input);
  if (!original.valid) {
    std::cerr << "syncsim shrink: " << options.trace_path << ": the trace's scenario is not valid under this build\n";
    return exit_usage;
  }
  if (!original.failure) {
    std::cerr << "syncsim shrink: " << options.trace_path << ": the run passes (seed " << header.seed
              << "); there is no failure to shrink\n";
    return exit_usage;
  }
  const sim::shrink_outcome outcome = shrink_failing_run(input, header.seed, options.limits);
  const std::string stem = output_stem(options.trace_path);
  const std::string scenario_path = options.output.empty() ? stem + ".json" : options.output;
  const std::string trace_path = scenario_path + ".trace.jsonl";
  sim::scenario minimal = outcome.minimal;
  minimal.name = (input.name.empty() ? "scenario" : input.name) + "-shrunk";
  minimal.description = "Shrunk by syncsim shrink from " + options.trace_path + " (seed " +
                        std::to_string(header.seed) + "): fails " + outcome.final.failure->checker + ".";
  minimal.source_file = scenario_path;
  try {
    std::ofstream file(scenario_path, std::ios::trunc);
    file << sim::scenario_to_json(minimal);
    file.close();
    if (!file) throw std::runtime_error(scenario_path + ": cannot write the shrunk scenario");
    const sim::run_result again =
        traces::write_trace_of_run(trace_path, minimal, protocols::configure_system(minimal), *minimal.seed);
    if (!again.failure || again.failure->checker != outcome.final.failure->checker) {
      std::cerr << "syncsim shrink: internal error: the shrunk scenario " << scenario_path
                << " no longer fails when run again\n";
      return exit_internal;
    }
  } catch (const std::exception& error) {
    std::cerr << "syncsim shrink: " << error.what() << "\n";
    return exit_usage;
  }
  const shrink_sizes before = sizes_of(sim::make_explicit(input, header.seed, *protocols::find_system_definition(input.protocol)), original);
  const shrink_sizes after = sizes_of(minimal, outcome.final);
  if (options.json) {
    nlohmann::ordered_json report = {{"checker", outcome.final.failure->checker},
                                     {"message", outcome.final.failure->message},
                                     {"runs", outcome.runs},
                                     {"seed", *minimal.seed},
                                     {"before", sizes_json(before)},
                                     {"after", sizes_json(after)},
                                     {"steps", outcome.steps},
                                     {"scenario", scenario_path},
                                     {"trace", trace_path}};
    std::cout << report.dump(2) << "\n";
  } else {
    print_report(outcome, before, after, scenario_path, trace_path);
  }
  return exit_pass;
}

}  // namespace

void add_shrink_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<shrink_options>();
  CLI::App* command = app.add_subcommand(
      "shrink", "Reduce a failing trace to a small scenario that still fails the same checker");
  command->add_option("trace", options->trace_path, "Trace of a failing run (from `syncsim run --trace` or `fuzz`)")
      ->required();
  command->add_option("-o,--output", options->output,
                      "The shrunk scenario file (default: the trace's name with .shrunk.json); its trace is written "
                      "beside it as FILE.trace.jsonl");
  command->add_option("--runs-max", options->limits.runs_max, "Give up reducing after this many runs (default 5000)");
  command->add_option("--other-seeds", options->limits.other_seeds,
                      "Also try the reduced scenario under seeds 1..N and keep the shortest failure (default 256; 0 "
                      "keeps the failing seed)");
  command->add_option("--reseeds", options->limits.reseeds,
                      "A reduction that stops failing under the current seed is tried under seeds 1..N (default " +
                          std::to_string(sim::shrink_limits{}.reseeds) + ")");
  command->add_flag("--json", options->json, "Print the report as one JSON object");
  command->footer(exit_codes_help);
  command->callback([options, &exit_code] { exit_code = shrink(*options); });
}

}  // namespace tools
