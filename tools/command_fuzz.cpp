// `syncsim fuzz SCENARIO...`: many seeds, J at a time, optionally one shard
// of a sweep spread over machines. Each failure is printed with the command
// that reproduces it and its trace is kept under the sweep's directory.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "protocols/registry.hpp"
#include "sim/fuzz.hpp"
#include "sim/json_walker.hpp"
#include "tools/commands.hpp"
#include "tools/exit_codes.hpp"
#include "tools/fuzz_report.hpp"
#include "tools/scenario_input.hpp"
#include "traces/regression_corpus.hpp"
#include "traces/trace_format.hpp"
#include "traces/trace_writer.hpp"

namespace tools {
namespace {

struct fuzz_options {
  std::vector<std::string> scenario_paths;
  std::uint64_t seeds = 0;
  std::string time;
  std::uint32_t jobs = 0;
  std::string shard = "0/1";
  std::uint64_t start_seed = 1;
  std::vector<std::string> bugs;
  std::string self_check = "1/100";
  bool stop_on_failure = false;
  bool json = false;
  std::string junit_path;
  std::string directory;
  std::string corpus_path;
};

struct usage_error {
  std::string message;
};

std::pair<std::uint64_t, std::uint64_t> parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    std::size_t used_index = 0;
    std::size_t used_count = 0;
    const std::uint64_t index = std::stoull(text.substr(0, slash), &used_index);
    const std::uint64_t count = std::stoull(text.substr(slash + 1), &used_count);
    if (used_index != slash || used_count != text.size() - slash - 1) throw std::invalid_argument("trailing");
    if (count == 0 || index >= count || text[0] == '-') throw std::invalid_argument("range");
    return {index, count};
  } catch (const std::exception&) {
    throw usage_error{"--shard: expected I/N with 0 <= I < N (such as 0/4), found \"" + text + "\""};
  }
}

std::string scenario_label(const sim::scenario& input) {
  if (!input.name.empty()) return input.name;
  return std::filesystem::path(input.source_file).stem().string();
}

// Named for the sweep, so that a CI job's artifacts say what they are.
std::string default_directory(const std::vector<std::string>& names, const fuzz_options& options,
                              std::uint64_t shard_index, std::uint64_t shard_count) {
  std::string name = "syncsim-fuzz-" + names.front();
  if (names.size() > 1) name += "-and-" + std::to_string(names.size() - 1) + "-more";
  name += "-from-" + std::to_string(options.start_seed);
  if (options.seeds > 0) name += "-seeds-" + std::to_string(options.seeds);
  if (shard_count > 1) name += "-shard-" + std::to_string(shard_index) + "-of-" + std::to_string(shard_count);
  return name;
}

sim::fuzz_plan make_plan(const fuzz_options& options, std::vector<std::string>& names) {
  sim::fuzz_plan plan;
  for (const std::string& path : options.scenario_paths) {
    sim::scenario input = load_scenario_or_default(path);
    add_bug_switches(input, options.bugs);
    std::shared_ptr<const sim::system> behaviour = protocols::configure_system(input);
    names.push_back(scenario_label(input));
    plan.targets.push_back({std::move(input), std::move(behaviour)});
  }
  const auto [shard_index, shard_count] = parse_shard(options.shard);
  plan.shard_index = shard_index;
  plan.shard_count = shard_count;
  plan.start_seed = options.start_seed;
  if (options.seeds > 0) plan.seed_count = options.seeds;
  if (options.seeds == 0 && options.time.empty()) plan.seed_count = 100;
  plan.jobs = options.jobs > 0 ? options.jobs : std::max(1U, std::thread::hardware_concurrency());
  const std::optional<sim::ratio> share = sim::parse_ratio(options.self_check);
  if (!share) throw usage_error{"--self-check: expected a share such as 1/100, 5% or 0, found \"" + options.self_check + "\""};
  plan.self_check = *share;
  plan.stop_on_failure = options.stop_on_failure;
  return plan;
}

// A sweep in progress: the plan, what it found so far and where it keeps it.
class sweep {
 public:
  sweep(const fuzz_options& options, sim::fuzz_plan plan, std::vector<std::string> names,
        std::optional<double> wall_seconds)
      : options_(options),
        plan_(std::move(plan)),
        names_(std::move(names)),
        wall_seconds_(wall_seconds),
        progress_(runs_total(), wall_seconds) {
    directory_ = options.directory.empty()
                     ? default_directory(names_, options, plan_.shard_index, plan_.shard_count)
                     : options.directory;
  }

  int run() {
    sim::run_fuzz(
        plan_, [this] { return !wall_seconds_ || progress_.elapsed_seconds() < *wall_seconds_; },
        [this](const sim::seed_outcome& outcome) { on_outcome(outcome); });
    progress_.update(tally_, true);
    progress_.interrupt();
    return finish();
  }

 private:
  std::optional<std::uint64_t> runs_total() const {
    if (!plan_.seed_count) return std::nullopt;
    const std::uint64_t first = sim::first_seed_of_shard(plan_.start_seed, plan_.shard_index, plan_.shard_count);
    const std::uint64_t end = plan_.start_seed + *plan_.seed_count;
    const std::uint64_t seeds = first >= end ? 0 : (end - first + plan_.shard_count - 1) / plan_.shard_count;
    return seeds * plan_.targets.size();
  }

  void on_outcome(const sim::seed_outcome& outcome) {
    tally_.add(outcome);
    if (outcome.verdict != sim::seed_verdict::pass) {
      progress_.interrupt();
      fuzz_failure failure = describe_failure(outcome);
      if (!options_.json) print_failure(failure);
      record_in_corpus(failure, outcome.target);
      tally_.add_failure(std::move(failure));
    }
    progress_.update(tally_);
  }

  fuzz_failure describe_failure(const sim::seed_outcome& outcome) {
    const sim::fuzz_target& target = plan_.targets[outcome.target];
    fuzz_failure failure;
    failure.scenario = names_[outcome.target];
    failure.scenario_file = target.input.source_file;
    failure.seed = outcome.seed;
    failure.replay = replay_command(target.input, outcome.seed, options_.bugs);
    if (outcome.verdict == sim::seed_verdict::nondeterministic) {
      failure.checker = "determinism";
      failure.message = "the same seed ran twice gave trace hashes " + traces::hex64(outcome.result.trace_hash) +
                        " and " + traces::hex64(outcome.second_trace_hash);
    } else {
      failure.checker = outcome.result.failure->checker;
      failure.message = outcome.result.failure->message;
    }
    failure.trace_path = keep_trace(target, outcome.seed, failure.scenario);
    return failure;
  }

  // Runs the failing seed again with a trace: runs are deterministic, so
  // only failures pay for writing one.
  std::string keep_trace(const sim::fuzz_target& target, std::uint64_t seed, const std::string& name) {
    const std::string path = directory_ + "/" + name + "-seed-" + std::to_string(seed) + ".trace.jsonl";
    try {
      std::filesystem::create_directories(directory_);
      traces::write_trace_of_run(path, target.input, target.behaviour, seed);
      return path;
    } catch (const std::exception& error) {
      std::cerr << "syncsim fuzz: " << error.what() << "\n";
      return {};
    }
  }

  void record_in_corpus(const fuzz_failure& failure, std::size_t target) {
    if (options_.corpus_path.empty()) return;
    traces::corpus_entry entry;
    entry.scenario = failure.scenario_file;
    entry.seed = failure.seed;
    entry.bugs = plan_.targets[target].input.bugs;
    entry.checker = failure.checker;
    entry.expect = "violation";
    entry.note = failure.message;
    try {
      traces::append_to_corpus(options_.corpus_path, entry);
    } catch (const std::exception& error) {
      std::cerr << "syncsim fuzz: " << error.what() << "\n";
    }
  }

  int finish() {
    fuzz_description description{names_, plan_.start_seed, plan_.seed_count, plan_.shard_index,
                                 plan_.shard_count, plan_.jobs, progress_.elapsed_seconds()};
    if (options_.json) {
      std::cout << summary_json(description, tally_) << "\n";
    } else {
      print_summary_text(description, tally_);
    }
    if (!options_.junit_path.empty()) {
      try {
        write_junit(options_.junit_path, description, tally_);
      } catch (const std::exception& error) {
        std::cerr << "syncsim fuzz: " << error.what() << "\n";
        return exit_usage;
      }
    }
    return tally_.failures.empty() ? exit_pass : exit_violation;
  }

  const fuzz_options& options_;
  sim::fuzz_plan plan_;
  std::vector<std::string> names_;
  std::optional<double> wall_seconds_;
  fuzz_progress progress_;
  fuzz_tally tally_;
  std::string directory_;
};

int fuzz(const fuzz_options& options) {
  try {
    std::optional<double> wall_seconds;
    if (!options.time.empty()) {
      const std::optional<sim::time_ns> limit = sim::parse_duration(options.time);
      if (!limit || *limit <= 0) throw usage_error{"--time: expected a duration such as 90s or 10m, found \"" + options.time + "\""};
      wall_seconds = static_cast<double>(*limit) / 1e9;
    }
    std::vector<std::string> names;
    sim::fuzz_plan plan = make_plan(options, names);
    sweep work(options, std::move(plan), std::move(names), wall_seconds);
    return work.run();
  } catch (const usage_error& error) {
    std::cerr << "syncsim fuzz: " << error.message << "\n";
  } catch (const sim::scenario_error& error) {
    std::cerr << "syncsim fuzz: " << error.what() << "\n";
  }
  return exit_usage;
}

}  // namespace

void add_fuzz_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<fuzz_options>();
  CLI::App* command = app.add_subcommand("fuzz", "Run many seeds of one or more scenarios, in parallel, and report failures");
  command->add_option("scenario", options->scenario_paths, "Scenario files")->required();
  command->add_option("--seeds", options->seeds, "Seeds per scenario, from --start-seed, before sharding (default 100)");
  command->add_option("--time", options->time, "Run until this much wall time has passed (\"90s\", \"10m\")");
  command->add_option("--jobs,-j", options->jobs, "Runs at a time, each on its own thread (default: the number of cores)");
  command->add_option("--shard", options->shard, "I/N: run only seeds s with s mod N == I (default 0/1)");
  command->add_option("--start-seed", options->start_seed, "The first seed (default 1)");
  command->add_option("--bug", options->bugs, "Turn on a bug switch in every scenario (repeatable)")->allow_extra_args(false);
  command->add_option("--self-check", options->self_check,
                      "Share of seeds run twice whose trace hashes must match (default 1/100; 0 turns it off)");
  command->add_flag("--stop-on-failure", options->stop_on_failure, "Stop handing out seeds after the first failure");
  command->add_flag("--json", options->json, "Print the summary as one JSON object");
  command->add_option("--junit", options->junit_path, "Write a JUnit XML report to this file");
  command->add_option("--out", options->directory,
                      "Directory for the failing runs' traces (default: syncsim-fuzz-SCENARIO-from-S-seeds-N[-shard-I-of-N])");
  command->add_option("--corpus", options->corpus_path,
                      "Append each failing seed to this regression corpus (such as test/regressions.jsonl)");
  command->footer(exit_codes_help);
  command->callback([options, &exit_code] { exit_code = fuzz(*options); });
}

}  // namespace tools
