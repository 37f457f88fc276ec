#pragma once
// Running scenarios from tests: the built-in default, files under
// scenarios/, a seed sweep, and a trace as a string.

#include <string>
#include <vector>

#include "protocols/registry.hpp"
#include "sim/simulation.hpp"
#include "tools/default_scenario.hpp"

namespace test_support {

inline std::string source_path(const std::string& relative) { return std::string(SYNCSIM_SOURCE_DIR) + "/" + relative; }

inline sim::scenario default_scenario() {
  return sim::parse_scenario(tools::default_scenario_text(), tools::default_scenario_name);
}

inline sim::run_result run_scenario(const sim::scenario& input, std::uint64_t seed,
                                    sim::trace_observer* observer = nullptr) {
  sim::simulation run(sim::resolve_run_config(input, seed), protocols::configure_system(input));
  run.set_observer(observer);
  return run.run();
}

// The first seed in [first, first + count) whose run fails, or -1.
inline std::int64_t first_failing_seed(const sim::scenario& input, std::uint64_t first, std::uint64_t count,
                                       std::string* checker = nullptr) {
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const sim::run_result result = run_scenario(input, seed);
    if (!result.passed()) {
      if (checker != nullptr) *checker = result.failure->checker;
      return static_cast<std::int64_t>(seed);
    }
  }
  return -1;
}

// The first seed in [first, first + count) whose run fails in `checker`
// (other failures do not count), or -1.
inline std::int64_t first_seed_caught_by(const sim::scenario& input, const std::string& checker, std::uint64_t first,
                                         std::uint64_t count) {
  for (std::uint64_t seed = first; seed < first + count; ++seed) {
    const sim::run_result result = run_scenario(input, seed);
    if (!result.passed() && result.failure->checker == checker) return static_cast<std::int64_t>(seed);
  }
  return -1;
}

}  // namespace test_support
