#pragma once
// What `syncsim fuzz` tells its reader: progress while it runs, each failure
// as it is found, and the summary at the end as text, JSON or JUnit XML.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/fuzz.hpp"

namespace tools {

struct fuzz_failure {
  std::string scenario;  // its name
  std::string scenario_file;
  std::uint64_t seed = 0;
  std::string checker;  // "determinism" for a self-check mismatch
  std::string message;
  std::string replay;      // `syncsim run ... --seed N`
  std::string trace_path;  // "" if it could not be written
};

struct fuzz_tally {
  std::uint64_t runs = 0;
  std::uint64_t self_checked = 0;
  sim::time_ns simulated_ns = 0;
  std::uint64_t events = 0;
  std::array<std::uint64_t, sim::fault_kind_count> faults_by_kind{};
  std::vector<fuzz_failure> failures;
  // Every run, for JUnit: scenario index, seed, index into failures or -1.
  struct run_entry {
    std::size_t target = 0;
    std::uint64_t seed = 0;
    std::int64_t failure = -1;
  };
  std::vector<run_entry> entries;

  void add(const sim::seed_outcome& outcome);
  // The failure of the run added last.
  void add_failure(fuzz_failure failure);
  std::map<std::string, std::uint64_t> failures_by_checker() const;
};

struct fuzz_description {
  std::vector<std::string> scenario_names;
  std::uint64_t start_seed = 1;
  std::optional<std::uint64_t> seed_count;
  std::uint64_t shard_index = 0;
  std::uint64_t shard_count = 1;
  std::uint32_t jobs = 1;
  double wall_seconds = 0;
};

// Live progress on standard error: one rewritten line on a terminal, a
// plain line every ten seconds otherwise.
class fuzz_progress {
 public:
  fuzz_progress(std::optional<std::uint64_t> runs_total, std::optional<double> wall_seconds_total);
  void update(const fuzz_tally& tally, bool force = false);
  // Ends the live line before other output is printed.
  void interrupt();
  double elapsed_seconds() const;

 private:
  std::string line(const fuzz_tally& tally) const;

  std::optional<std::uint64_t> runs_total_;
  std::optional<double> wall_seconds_total_;
  bool terminal_ = false;
  bool line_open_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_printed_;
};

void print_failure(const fuzz_failure& failure);
void print_summary_text(const fuzz_description& description, const fuzz_tally& tally);
std::string summary_json(const fuzz_description& description, const fuzz_tally& tally);
// Throws std::runtime_error naming the file if it cannot be written.
void write_junit(const std::string& path, const fuzz_description& description, const fuzz_tally& tally);

}  // namespace tools
