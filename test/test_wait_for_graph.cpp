// The lock manager's wait-for graph: its edges, the deadlocks it finds, the
// victim it picks, a cross-check against every cycle, and its DOT output.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "protocols/lock/wait_for_graph.hpp"

namespace {

using protocols::lock::all_cycles;
using protocols::lock::deadlock;
using protocols::lock::find_deadlock;
using protocols::lock::lock_mode;
using protocols::lock::lock_request;
using protocols::lock::lock_view;
using protocols::lock::wait_edge;
using protocols::lock::wait_for_dot;
using protocols::lock::wait_for_edges;

constexpr lock_mode shared = lock_mode::shared;
constexpr lock_mode exclusive = lock_mode::exclusive;

// A holds x and waits for y; B holds y and waits for x; B's request is younger.
std::vector<lock_view> two_transaction_deadlock() {
  return {{"x", {{1, 10, exclusive}}, {{2, 21, exclusive}}},
          {"y", {{2, 11, exclusive}}, {{1, 20, exclusive}}}};
}

std::size_t occurrences(const std::string& text, const std::string& word) {
  std::size_t count = 0;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) count++;
  return count;
}

bool is_closed(const std::vector<wait_edge>& cycle) {
  for (std::size_t index = 0; index < cycle.size(); ++index) {
    if (cycle[index].holder != cycle[(index + 1) % cycle.size()].waiter) return false;
  }
  return !cycle.empty();
}

// Random lock tables from a generator whose output is the same on every
// standard library: the engine's bits are specified, the modulo is ours.
class lock_table_generator {
 public:
  explicit lock_table_generator(std::uint64_t seed) : bits_(seed) {}

  std::vector<lock_view> next() {
    const std::uint64_t clients = 2 + below(7);
    const std::uint64_t lock_count = 1 + below(5);
    std::vector<lock_view> locks;
    for (std::uint64_t lock = 0; lock < lock_count; ++lock) {
      lock_view view{"lock" + std::to_string(lock), holders(clients), {}};
      const std::uint64_t waiters = below(4);
      for (std::uint64_t waiter = 0; waiter < waiters; ++waiter) {
        view.waiters.push_back({below(clients), next_request(), mode()});
      }
      locks.push_back(std::move(view));
    }
    return locks;
  }

 private:
  std::uint64_t below(std::uint64_t bound) { return bits_() % bound; }
  lock_mode mode() { return below(2) == 0 ? shared : exclusive; }
  std::uint64_t next_request() { return request_ += 1 + below(3); }

  // No holder, one exclusive holder, or up to three distinct shared holders.
  std::vector<lock_request> holders(std::uint64_t clients) {
    std::vector<lock_request> result;
    const std::uint64_t kind = below(3);
    if (kind == 1) result.push_back({below(clients), next_request(), exclusive});
    if (kind == 2) {
      std::set<std::uint64_t> chosen;
      const std::uint64_t count = 1 + below(3);
      for (std::uint64_t holder = 0; holder < count; ++holder) chosen.insert(below(clients));
      for (const std::uint64_t client : chosen) result.push_back({client, next_request(), shared});
    }
    return result;
  }

  std::mt19937_64 bits_;
  std::uint64_t request_ = 0;
};

void check_against_all_cycles(const std::vector<lock_view>& locks) {
  const std::optional<deadlock> found = find_deadlock(locks);
  const std::vector<std::vector<std::uint64_t>> cycles = all_cycles(locks);
  REQUIRE(found.has_value() == !cycles.empty());
  if (!found) return;
  CHECK(is_closed(found->cycle));
  const std::vector<wait_edge> edges = wait_for_edges(locks);
  std::set<std::uint64_t> members;
  for (const wait_edge& edge : found->cycle) {
    CHECK(std::find(edges.begin(), edges.end(), edge) != edges.end());
    members.insert(edge.waiter);
  }
  CHECK(members.size() == found->cycle.size());
  CHECK(std::any_of(cycles.begin(), cycles.end(), [&members](const std::vector<std::uint64_t>& cycle) {
    return std::set<std::uint64_t>(cycle.begin(), cycle.end()) == members;
  }));
}

}  // namespace

TEST_CASE("wait-for edges: a queued exclusive waits for every shared holder") {
  const std::vector<lock_view> locks{{"x", {{1, 1, shared}, {2, 2, shared}}, {{3, 3, exclusive}}}};
  CHECK(wait_for_edges(locks) == std::vector<wait_edge>{{3, 1, "x", false}, {3, 2, "x", false}});
}

TEST_CASE("wait-for edges: shared waiters wait for the exclusive holder, not for each other") {
  const std::vector<lock_view> locks{{"x", {{1, 1, exclusive}}, {{2, 2, shared}, {3, 3, shared}}}};
  CHECK(wait_for_edges(locks) == std::vector<wait_edge>{{2, 1, "x", false}, {3, 1, "x", false}});
}

TEST_CASE("wait-for edges: an upgrade waits only for the other shared holders") {
  const std::vector<lock_view> locks{{"x", {{1, 1, shared}, {2, 2, shared}}, {{1, 3, exclusive}}}};
  CHECK(wait_for_edges(locks) == std::vector<wait_edge>{{1, 2, "x", false}});
}

TEST_CASE("wait-for edges: earlier conflicting waiters give queued edges, earlier shared ones none") {
  const std::vector<lock_view> locks{
      {"x", {{1, 1, shared}}, {{2, 2, exclusive}, {3, 3, shared}, {4, 4, shared}, {5, 5, exclusive}}}};
  CHECK(wait_for_edges(locks) == std::vector<wait_edge>{{2, 1, "x", false},
                                                        {3, 2, "x", true},
                                                        {4, 2, "x", true},
                                                        {5, 1, "x", false},
                                                        {5, 2, "x", true},
                                                        {5, 3, "x", true},
                                                        {5, 4, "x", true}});
}

TEST_CASE("wait-for edges: the same wait through a holder and a queued request is kept once") {
  // Client 1 holds x shared and also waits for it exclusively ahead of client 2.
  const std::vector<lock_view> locks{{"x", {{1, 1, shared}}, {{1, 2, exclusive}, {2, 3, exclusive}}}};
  CHECK(wait_for_edges(locks) == std::vector<wait_edge>{{2, 1, "x", false}});
}

TEST_CASE("wait-for graph: an acyclic graph has no deadlock") {
  const std::vector<lock_view> locks{{"x", {{1, 1, exclusive}}, {{2, 2, exclusive}}},
                                     {"y", {{2, 3, exclusive}}, {{3, 4, exclusive}}}};
  CHECK_FALSE(find_deadlock(locks).has_value());
  CHECK(all_cycles(locks).empty());
}

TEST_CASE("wait-for graph: the two-transaction deadlock is found and the younger request is the victim") {
  const std::optional<deadlock> found = find_deadlock(two_transaction_deadlock());
  REQUIRE(found.has_value());
  CHECK(found->cycle == std::vector<wait_edge>{{1, 2, "y", false}, {2, 1, "x", false}});
  CHECK(found->victim == lock_request{2, 21, exclusive});
  CHECK(found->victim_lock == "x");
}

TEST_CASE("wait-for graph: a three-transaction ring is found") {
  const std::vector<lock_view> locks{{"x", {{1, 1, exclusive}}, {{3, 6, shared}}},
                                     {"y", {{2, 2, shared}}, {{1, 4, exclusive}}},
                                     {"z", {{3, 3, exclusive}}, {{2, 5, exclusive}}}};
  const std::optional<deadlock> found = find_deadlock(locks);
  REQUIRE(found.has_value());
  CHECK(found->cycle.size() == 3);
  CHECK(is_closed(found->cycle));
  CHECK(found->victim == lock_request{3, 6, shared});
  CHECK(found->victim_lock == "x");
  CHECK(all_cycles(locks) == std::vector<std::vector<std::uint64_t>>{{1, 2, 3}});
}

TEST_CASE("wait-for graph: two shared holders both upgrading is the conversion deadlock") {
  const std::vector<lock_view> locks{{"x", {{1, 1, shared}, {2, 2, shared}}, {{1, 3, exclusive}, {2, 4, exclusive}}}};
  const std::optional<deadlock> found = find_deadlock(locks);
  REQUIRE(found.has_value());
  CHECK(found->cycle == std::vector<wait_edge>{{1, 2, "x", false}, {2, 1, "x", false}});
  CHECK(found->victim == lock_request{2, 4, exclusive});
}

TEST_CASE("wait-for graph: a victim tie on the request is broken by the larger client id") {
  const std::vector<lock_view> locks{{"x", {{7, 1, exclusive}}, {{9, 5, exclusive}}},
                                     {"y", {{9, 2, exclusive}}, {{7, 5, exclusive}}}};
  const std::optional<deadlock> found = find_deadlock(locks);
  REQUIRE(found.has_value());
  CHECK(found->victim == lock_request{9, 5, exclusive});
  CHECK(found->victim_lock == "x");
}

TEST_CASE("wait-for graph: the depth-first search agrees with every cycle on 500 random lock tables") {
  lock_table_generator generator(20240611);
  std::size_t deadlocked = 0;
  for (int table = 0; table < 500; ++table) {
    const std::vector<lock_view> locks = generator.next();
    CAPTURE(table);
    check_against_all_cycles(locks);
    if (find_deadlock(locks)) deadlocked++;
  }
  // Both outcomes must be exercised for the cross-check to mean anything.
  CHECK(deadlocked > 20);
  CHECK(deadlocked < 480);
}

TEST_CASE("wait-for graph: the DOT output clusters clients, labels locks and draws the cycle red") {
  const std::vector<lock_view> locks = two_transaction_deadlock();
  const std::optional<deadlock> found = find_deadlock(locks);
  const std::string dot = wait_for_dot(locks, found, "deadlock \"at\" index 21");
  CHECK(dot.find("digraph") != std::string::npos);
  CHECK(occurrences(dot, "subgraph cluster_") == 2);
  CHECK(dot.find("subgraph cluster_1 {") != std::string::npos);
  CHECK(dot.find("label=\"client 2\"") != std::string::npos);
  CHECK(dot.find("label=\"x: holds X\"") != std::string::npos);
  CHECK(dot.find("label=\"y: waits X\"") != std::string::npos);
  CHECK(occurrences(dot, "color=red, penwidth=2") == 2);
  CHECK(dot.find("[label=\"x\", color=red") != std::string::npos);
  CHECK(dot.find("label=\"deadlock \\\"at\\\" index 21\"") != std::string::npos);
  CHECK(dot == wait_for_dot(locks, found, "deadlock \"at\" index 21"));
  CHECK(occurrences(wait_for_dot(locks, std::nullopt, "none"), "color=red") == 0);
}

TEST_CASE("wait-for graph: Graphviz renders the DOT output") {
  if (!std::filesystem::exists("/usr/bin/dot")) {
    MESSAGE("Graphviz is not installed: the rendering is not checked");
    return;
  }
  const std::vector<lock_view> locks = two_transaction_deadlock();
  const std::string base = std::string(SYNCSIM_BUILD_TEMPORARY) + "/wait-for-graph";
  std::ofstream(base + ".dot") << wait_for_dot(locks, find_deadlock(locks), "two transactions");
  const std::string command = "/usr/bin/dot -Tsvg '" + base + ".dot' -o '" + base + ".svg'";
  REQUIRE(std::system(command.c_str()) == 0);
  std::stringstream svg;
  svg << std::ifstream(base + ".svg").rdbuf();
  CHECK(svg.str().find("<svg") != std::string::npos);
}
