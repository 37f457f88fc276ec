// Determinism, for every shipped scenario: two runs with one seed write
// byte-identical traces; another seed writes another trace.
#include <filesystem>
#include <sstream>

#include "doctest/doctest.h"
#include "test/scenario_helpers.hpp"
#include "traces/trace_format.hpp"

namespace {

class text_trace final : public sim::trace_observer {
 public:
  void on_record(const sim::world& state, const sim::trace_record& record) override {
    text << traces::format_record(state, record) << '\n';
  }
  std::ostringstream text;
};

std::string trace_of(const sim::scenario& input, std::uint64_t seed) {
  text_trace trace;
  const sim::run_result result = test_support::run_scenario(input, seed, &trace);
  return traces::format_header(input, seed) + "\n" + trace.text.str() + traces::format_footer(result) + "\n";
}

std::vector<sim::scenario> shipped_scenarios() {
  std::vector<sim::scenario> result{test_support::default_scenario()};
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(test_support::source_path("scenarios"))) {
    const std::string path = entry.path().string();
    if (entry.path().extension() == ".json" && path.find(".schema.") == std::string::npos) paths.push_back(path);
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) result.push_back(sim::load_scenario_file(path));
  return result;
}

}  // namespace

TEST_CASE("every shipped scenario: the same seed gives byte-identical traces, another seed another") {
  const std::vector<sim::scenario> scenarios = shipped_scenarios();
  CHECK(scenarios.size() >= 4);
  for (const sim::scenario& input : scenarios) {
    CAPTURE(input.source_file);
    const std::string first = trace_of(input, 1234);
    CHECK(first == trace_of(input, 1234));
    CHECK(first != trace_of(input, 1235));
    CHECK(first.size() > 1000);
  }
}

TEST_CASE("every shipped scenario passes its checkers over 30 seeds") {
  for (const sim::scenario& input : shipped_scenarios()) {
    CAPTURE(input.source_file);
    std::string checker;
    CHECK(test_support::first_failing_seed(input, 100, 30, &checker) == -1);
    CAPTURE(checker);
  }
}
