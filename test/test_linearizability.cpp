// The linearizability checker: hand-written histories with obvious verdicts,
// and every real Jepsen history in test/data/jepsen with its known verdict.
#include <filesystem>
#include <fstream>
#include <map>

#include "doctest/doctest.h"
#include "sim/linearizability.hpp"
#include "test/scenario_helpers.hpp"
#include "traces/jepsen_history.hpp"

using sim::linearizability::operation;

namespace {

operation op(std::uint64_t client, std::uint64_t call, std::uint64_t returned, std::string function,
             std::string input, std::string output, std::string key = "") {
  operation result;
  result.client = client;
  result.call = call;
  result.returned = returned;
  result.function = std::move(function);
  result.key = std::move(key);
  result.input = std::move(input);
  result.output = std::move(output);
  return result;
}

bool linearizable(const std::vector<operation>& history) {
  return sim::linearizability::check(history, sim::linearizability::register_model()).linearizable;
}

}  // namespace

TEST_CASE("a read after a completed write must see it, unless they overlap") {
  CHECK_FALSE(linearizable({op(0, 1, 2, "write", "1", ""), op(1, 3, 4, "read", "", "nil")}));
  CHECK(linearizable({op(0, 1, 3, "write", "1", ""), op(1, 2, 4, "read", "", "nil")}));
  CHECK(linearizable({op(0, 1, 3, "write", "1", ""), op(1, 2, 4, "read", "", "1")}));
}

TEST_CASE("two reads cannot see a new value and then an older one") {
  const std::vector<operation> history = {
      op(0, 1, 10, "write", "1", ""),
      op(1, 2, 3, "read", "", "1"),
      op(2, 4, 5, "read", "", "nil"),
  };
  CHECK_FALSE(linearizable(history));
}

TEST_CASE("cas succeeds only on the expected value; a failed cas saw another value") {
  CHECK(linearizable({op(0, 1, 2, "write", "1", ""), op(1, 3, 4, "cas", "1 2", "true"), op(2, 5, 6, "read", "", "2")}));
  CHECK_FALSE(linearizable({op(0, 1, 2, "write", "1", ""), op(1, 3, 4, "cas", "1 2", "false")}));
  CHECK_FALSE(linearizable({op(0, 1, 2, "write", "1", ""), op(1, 3, 4, "cas", "3 2", "true")}));
}

TEST_CASE("an operation with an unknown outcome may take effect late, or never") {
  operation unknown = op(0, 1, sim::linearizability::never_returned, "write", "7", "");
  unknown.output_known = false;
  CHECK(linearizable({unknown, op(1, 5, 6, "read", "", "nil"), op(1, 7, 8, "read", "", "7")}));
  CHECK(linearizable({unknown, op(1, 5, 6, "read", "", "nil")}));
  CHECK_FALSE(linearizable({unknown, op(1, 5, 6, "read", "", "7"), op(1, 7, 8, "read", "", "nil")}));
}

TEST_CASE("sixty writes of unknown outcome before a read cost a few steps, not every subset of them") {
  // An outage: every client's writes time out, then the cluster answers a
  // read with the initial value. Linearizable (no write took effect), and
  // the search must not try the writes' 2^60 combinations to see it.
  std::vector<operation> history;
  for (std::uint64_t index = 0; index < 60; ++index) {
    operation unknown = op(index % 4, 10 * index + 1, sim::linearizability::never_returned, "write",
                           std::to_string(index % 5), "");
    unknown.output_known = false;
    history.push_back(unknown);
  }
  history.push_back(op(9, 1000, 1001, "read", "", "nil"));
  history.push_back(op(9, 1002, 1003, "read", "", "nil"));
  const auto verdict = sim::linearizability::check(history, sim::linearizability::register_model());
  CHECK(verdict.linearizable);
  CHECK_FALSE(verdict.exhausted);
  CHECK(verdict.states_explored < 100'000);
  // A read that sees one write and then the initial value again is wrong
  // whatever they did (refuting must visit every subset, so fewer writes).
  history.erase(history.begin() + 12, history.begin() + 60);
  history.push_back(op(9, 1004, 1005, "read", "", "3"));
  history.push_back(op(9, 1006, 1007, "read", "", "nil"));
  const auto refuted = sim::linearizability::check(history, sim::linearizability::register_model());
  CHECK_FALSE(refuted.exhausted);
  CHECK_FALSE(refuted.linearizable);
}

TEST_CASE("key-value histories are checked key by key") {
  const auto& model = sim::linearizability::key_value_model();
  const std::vector<operation> good = {
      op(0, 1, 2, "put", "a", "", "x"), op(1, 3, 4, "append", "b", "", "x"), op(2, 5, 6, "get", "", "ab", "x"),
      op(0, 7, 8, "get", "", "", "y"),
  };
  const auto verdict = sim::linearizability::check(good, model);
  CHECK(verdict.linearizable);
  CHECK(verdict.partitions == 2);
  std::vector<operation> bad = good;
  bad.push_back(op(3, 9, 10, "get", "", "a", "x"));
  const auto bad_verdict = sim::linearizability::check(bad, model);
  CHECK_FALSE(bad_verdict.linearizable);
  CHECK(bad_verdict.key == "x");
}

TEST_CASE("every Jepsen etcd history gets its known verdict") {
  const std::string folder = test_support::source_path("test/data/jepsen/jepsen-etcd");
  std::ifstream verdicts(folder + "/VERDICTS");
  std::string file;
  std::string expected;
  int checked = 0;
  while (verdicts >> file >> expected) {
    CAPTURE(file);
    const auto history = traces::read_jepsen_history(folder + "/" + file);
    const auto verdict = sim::linearizability::check(history, sim::linearizability::register_model());
    CHECK_FALSE(verdict.exhausted);
    CHECK(verdict.linearizable == (expected == "linearizable"));
    checked++;
  }
  CHECK(checked == 50);
}

TEST_CASE("every Jepsen key-value history gets its known verdict") {
  const std::string folder = test_support::source_path("test/data/jepsen/jepsen-kv");
  int checked = 0;
  for (const auto& item : std::filesystem::directory_iterator(folder)) {
    const std::string name = item.path().filename().string();
    CAPTURE(name);
    const auto history = traces::read_jepsen_history(item.path().string());
    const auto verdict = sim::linearizability::check(history, sim::linearizability::key_value_model());
    CHECK(verdict.linearizable == (name.find("-ok") != std::string::npos));
    checked++;
  }
  CHECK(checked == 4);
}

TEST_CASE("a malformed history names its file and line") {
  const std::string path = std::string(SYNCSIM_BUILD_TEMPORARY) + "/bad-history.log";
  std::ofstream(path) << "INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - x\t:ok\t:read\tnil\n";
  CHECK_THROWS_WITH_AS(traces::read_jepsen_history(path), doctest::Contains((path + ":2:").c_str()), traces::history_error);
  std::ofstream(path) << "INFO  jepsen.util - 0\t:ok\t:read\tnil\n";
  CHECK_THROWS_WITH_AS(traces::read_jepsen_history(path), doctest::Contains("never invoked"), traces::history_error);
}
