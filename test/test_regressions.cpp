// The regression corpus (test/regressions.jsonl): each entry run again and
// held to its expectation, so a fixed bug stays fixed and a checker keeps
// catching what it caught.
#include <cstdio>
#include <fstream>

#include "doctest/doctest.h"
#include "test/scenario_helpers.hpp"
#include "traces/regression_corpus.hpp"
#include "traces/replay.hpp"

TEST_CASE("every entry of the regression corpus behaves as it records") {
  const auto entries = traces::read_corpus(test_support::source_path("test/regressions.jsonl"));
  CHECK(entries.size() >= 4);
  for (const traces::corpus_entry& entry : entries) {
    CAPTURE(entry.scenario);
    CAPTURE(entry.seed);
    CAPTURE(entry.note);
    sim::scenario input = sim::load_scenario_file(test_support::source_path(entry.scenario));
    for (const std::string& bug : entry.bugs) input.bugs.push_back(bug);
    const sim::run_result result = test_support::run_scenario(input, entry.seed);
    if (entry.expect == "pass") {
      CHECK(result.passed());
    } else {
      REQUIRE_FALSE(result.passed());
      CHECK(result.failure->checker == entry.checker);
    }
  }
}

TEST_CASE("the corpus file format: entries round-trip, duplicates are not added, bad lines are named") {
  const std::string path = std::string(SYNCSIM_BUILD_TEMPORARY) + "/corpus-test.jsonl";
  std::remove(path.c_str());
  traces::corpus_entry entry{"scenarios/raft-swarm.json", 4, {"raft.no_log_check"}, "raft.log_safety", "violation",
                             "found by fuzz"};
  CHECK(traces::append_to_corpus(path, entry));
  CHECK_FALSE(traces::append_to_corpus(path, entry));
  const auto read = traces::read_corpus(path);
  REQUIRE(read.size() == 1);
  CHECK(read[0] == entry);

  {
    std::ofstream bad(path, std::ios::app);
    bad << "{\"scenario\":\"x.json\",\"seed\":-3,\"checker\":\"c\",\"expect\":\"pass\"}\n";
  }
  try {
    traces::read_corpus(path);
    FAIL("a negative seed was accepted");
  } catch (const traces::trace_error& error) {
    CHECK(std::string(error.what()) == path + ":2: /seed: expected an integer >= 0");
  }
}
