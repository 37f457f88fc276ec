#include "tools/fuzz_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <tuple>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "sim/assert.hpp"

namespace tools {

void fuzz_tally::add(const sim::seed_outcome& outcome) {
  runs++;
  self_checked += outcome.self_checked ? 1 : 0;
  simulated_ns += outcome.result.simulated_ns;
  events += outcome.result.events;
  for (std::size_t kind = 0; kind < sim::fault_kind_count; ++kind) {
    faults_by_kind[kind] += outcome.result.world.faults_by_kind[kind];
  }
  entries.push_back({outcome.target, outcome.seed, -1});
}

void fuzz_tally::add_failure(fuzz_failure failure) {
  SYNCSIM_ASSERT(!entries.empty());
  entries.back().failure = static_cast<std::int64_t>(failures.size());
  failures.push_back(std::move(failure));
}

std::map<std::string, std::uint64_t> fuzz_tally::failures_by_checker() const {
  std::map<std::string, std::uint64_t> result;
  for (const fuzz_failure& failure : failures) result[failure.checker]++;
  return result;
}

namespace {

double seconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string fixed(double value, int decimals) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(decimals) << value;
  return text.str();
}

std::string duration_text(double seconds) {
  const auto whole = static_cast<std::uint64_t>(seconds + 0.5);
  if (whole < 60) return std::to_string(whole) + "s";
  if (whole < 3600) return std::to_string(whole / 60) + "m" + std::to_string(whole % 60) + "s";
  return std::to_string(whole / 3600) + "h" + std::to_string(whole / 60 % 60) + "m";
}

}  // namespace

fuzz_progress::fuzz_progress(std::optional<std::uint64_t> runs_total, std::optional<double> wall_seconds_total)
    : runs_total_(runs_total),
      wall_seconds_total_(wall_seconds_total),
      terminal_(isatty(STDERR_FILENO) == 1),
      started_(std::chrono::steady_clock::now()),
      last_printed_(started_) {}

double fuzz_progress::elapsed_seconds() const { return seconds_between(started_, std::chrono::steady_clock::now()); }

std::string fuzz_progress::line(const fuzz_tally& tally) const {
  const double elapsed = elapsed_seconds();
  const double rate = elapsed > 0 ? static_cast<double>(tally.runs) / elapsed : 0;
  std::string text = "fuzz: " + std::to_string(tally.runs);
  if (runs_total_) text += "/" + std::to_string(*runs_total_);
  text += " seeds, " + fixed(rate, 1) + "/s, " + std::to_string(tally.failures.size()) + " failed";
  std::optional<double> left;
  if (runs_total_ && rate > 0) left = static_cast<double>(*runs_total_ - tally.runs) / rate;
  if (wall_seconds_total_) {
    const double until_deadline = std::max(0.0, *wall_seconds_total_ - elapsed);
    left = left ? std::min(*left, until_deadline) : until_deadline;
  }
  if (left) text += ", " + duration_text(*left) + " left";
  return text;
}

void fuzz_progress::update(const fuzz_tally& tally, bool force) {
  const auto now = std::chrono::steady_clock::now();
  const double since_last = seconds_between(last_printed_, now);
  if (!force && since_last < (terminal_ ? 0.2 : 10.0)) return;
  last_printed_ = now;
  if (terminal_) {
    std::cerr << "\r\033[K" << line(tally) << std::flush;
    line_open_ = true;
  } else {
    std::cerr << line(tally) << "\n";
  }
}

void fuzz_progress::interrupt() {
  if (!line_open_) return;
  std::cerr << "\r\033[K" << std::flush;
  line_open_ = false;
}

void print_failure(const fuzz_failure& failure) {
  std::cout << "FAIL " << failure.scenario << " seed " << failure.seed << ": " << failure.checker << ": "
            << failure.message << "\n"
            << "  reproduce: " << failure.replay << "\n";
  if (!failure.trace_path.empty()) {
    std::cout << "  trace:     " << failure.trace_path << " (syncsim replay " << failure.trace_path << ")\n";
  }
  std::cout << std::flush;
}

namespace {

std::string faults_text(const fuzz_tally& tally) {
  std::string text;
  for (std::size_t kind = 0; kind < sim::fault_kind_count; ++kind) {
    if (tally.faults_by_kind[kind] == 0) continue;
    if (!text.empty()) text += ", ";
    text += std::string(sim::fault_kind_name(static_cast<sim::fault_kind>(kind))) + " " +
            std::to_string(tally.faults_by_kind[kind]);
  }
  return text.empty() ? "none" : text;
}

std::string seeds_text(const fuzz_description& description) {
  std::string text = "from " + std::to_string(description.start_seed);
  if (description.seed_count) {
    text = std::to_string(description.start_seed) + ".." +
           std::to_string(description.start_seed + *description.seed_count - 1);
  }
  if (description.shard_count > 1) {
    text += ", shard " + std::to_string(description.shard_index) + "/" + std::to_string(description.shard_count);
  }
  return text;
}

// Failures by scenario and seed, whatever order the workers finished in.
std::vector<const fuzz_failure*> sorted_failures(const fuzz_tally& tally) {
  std::vector<const fuzz_failure*> result;
  for (const fuzz_failure& failure : tally.failures) result.push_back(&failure);
  std::sort(result.begin(), result.end(), [](const fuzz_failure* left, const fuzz_failure* right) {
    return std::tie(left->scenario, left->seed, left->checker) < std::tie(right->scenario, right->seed, right->checker);
  });
  return result;
}

double per_second(const fuzz_description& description, const fuzz_tally& tally) {
  return description.wall_seconds > 0 ? static_cast<double>(tally.runs) / description.wall_seconds : 0;
}

double simulated_seconds_per_run(const fuzz_tally& tally) {
  return tally.runs == 0 ? 0 : static_cast<double>(tally.simulated_ns) / 1e9 / static_cast<double>(tally.runs);
}

}  // namespace

void print_summary_text(const fuzz_description& description, const fuzz_tally& tally) {
  const double rate = per_second(description, tally);
  std::cout << "seeds            " << tally.runs << " (" << description.scenario_names.size() << " scenario"
            << (description.scenario_names.size() == 1 ? "" : "s") << ", seeds " << seeds_text(description) << ", "
            << description.jobs << " jobs)\n"
            << "speed            " << fixed(rate, 1) << " seeds/s (" << fixed(rate * 60, 0) << " per minute) in "
            << fixed(description.wall_seconds, 1) << " s; " << fixed(simulated_seconds_per_run(tally), 2)
            << " simulated s per seed\n"
            << "self-check       " << tally.self_checked << " seeds run twice\n"
            << "faults injected  " << faults_text(tally) << "\n"
            << "failures         " << tally.failures.size();
  const auto by_checker = tally.failures_by_checker();
  std::string separator = " (";
  for (const auto& [checker, count] : by_checker) {
    std::cout << separator << checker << " " << count;
    separator = ", ";
  }
  std::cout << (by_checker.empty() ? "" : ")") << "\n";
  for (const fuzz_failure* failure : sorted_failures(tally)) {
    std::cout << "  " << failure->replay << "   # " << failure->checker << "\n";
  }
  std::cout << "result           " << (tally.failures.empty() ? "pass" : "FAILED") << "\n";
}

std::string summary_json(const fuzz_description& description, const fuzz_tally& tally) {
  nlohmann::ordered_json summary;
  summary["scenarios"] = description.scenario_names;
  summary["seeds"] = tally.runs;
  summary["seeds_per_second"] = per_second(description, tally);
  summary["failures"] = tally.failures.size();
  summary["wall_seconds"] = description.wall_seconds;
  summary["simulated_seconds_per_seed"] = simulated_seconds_per_run(tally);
  summary["start_seed"] = description.start_seed;
  summary["shard"] = std::to_string(description.shard_index) + "/" + std::to_string(description.shard_count);
  summary["jobs"] = description.jobs;
  summary["self_checked"] = tally.self_checked;
  summary["failures_by_checker"] = tally.failures_by_checker();
  nlohmann::ordered_json faults = nlohmann::ordered_json::object();
  for (std::size_t kind = 0; kind < sim::fault_kind_count; ++kind) {
    if (tally.faults_by_kind[kind] > 0) {
      faults[sim::fault_kind_name(static_cast<sim::fault_kind>(kind))] = tally.faults_by_kind[kind];
    }
  }
  summary["faults_injected"] = faults;
  nlohmann::ordered_json failed = nlohmann::ordered_json::array();
  for (const fuzz_failure* failure : sorted_failures(tally)) {
    failed.push_back({{"scenario", failure->scenario},
                      {"seed", failure->seed},
                      {"checker", failure->checker},
                      {"message", failure->message},
                      {"replay", failure->replay},
                      {"trace", failure->trace_path}});
  }
  summary["failed"] = failed;
  return summary.dump(2);
}

namespace {

std::string xml_escape(const std::string& text) {
  std::string result;
  for (const char c : text) {
    switch (c) {
      case '&': result += "&amp;"; break;
      case '<': result += "&lt;"; break;
      case '>': result += "&gt;"; break;
      case '"': result += "&quot;"; break;
      case '\'': result += "&apos;"; break;
      default:
        // XML 1.0 allows no control characters but tab and newline.
        result += (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') ? ' ' : c;
    }
  }
  return result;
}

void write_testcase(std::ostream& output, const std::string& scenario, const fuzz_tally::run_entry& entry,
                    const fuzz_tally& tally) {
  output << "    <testcase classname=\"" << xml_escape(scenario) << "\" name=\"seed " << entry.seed << "\"";
  if (entry.failure < 0) {
    output << "/>\n";
    return;
  }
  const fuzz_failure& failure = tally.failures.at(static_cast<std::size_t>(entry.failure));
  output << ">\n      <failure type=\"" << xml_escape(failure.checker) << "\" message=\""
         << xml_escape(failure.checker + ": " + failure.message) << "\">" << xml_escape(failure.replay);
  if (!failure.trace_path.empty()) output << "\ntrace: " << xml_escape(failure.trace_path);
  output << "</failure>\n    </testcase>\n";
}

}  // namespace

void write_junit(const std::string& path, const fuzz_description& description, const fuzz_tally& tally) {
  std::ofstream output(path, std::ios::trunc);
  if (!output) throw std::runtime_error(path + ": cannot open the JUnit file for writing");
  output << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"syncsim fuzz\" tests=\"" << tally.runs
         << "\" failures=\"" << tally.failures.size() << "\" time=\"" << fixed(description.wall_seconds, 3) << "\">\n";
  for (std::size_t target = 0; target < description.scenario_names.size(); ++target) {
    const std::string& scenario = description.scenario_names[target];
    std::uint64_t tests = 0;
    std::uint64_t failures = 0;
    for (const auto& entry : tally.entries) {
      if (entry.target != target) continue;
      tests++;
      failures += entry.failure >= 0 ? 1 : 0;
    }
    output << "  <testsuite name=\"" << xml_escape(scenario) << "\" tests=\"" << tests << "\" failures=\""
           << failures << "\">\n";
    std::vector<fuzz_tally::run_entry> entries;
    for (const auto& entry : tally.entries) {
      if (entry.target == target) entries.push_back(entry);
    }
    std::sort(entries.begin(), entries.end(), [](const auto& left, const auto& right) { return left.seed < right.seed; });
    for (const auto& entry : entries) write_testcase(output, scenario, entry, tally);
    output << "  </testsuite>\n";
  }
  output << "</testsuites>\n";
  output.close();
  if (!output) throw std::runtime_error(path + ": error while writing the JUnit file");
}

}  // namespace tools
