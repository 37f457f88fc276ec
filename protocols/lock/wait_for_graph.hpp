#pragma once
// Deadlock detection for the lock manager (INVARIANTS.md, "Lock manager"):
// the wait-for graph of a lock table, one cycle found by depth-first search,
// every cycle for cross-checking, and the graph as Graphviz DOT. The header
// stays free of Boost so that the lock manager and tests include it cheaply;
// Boost.Graph is used only in wait_for_graph.cpp.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace protocols::lock {

enum class lock_mode : std::uint8_t { shared, exclusive };

// Two modes conflict unless both are shared.
bool conflicts(lock_mode left, lock_mode right);

// A request for a lock by a client. `request` is the Raft log index of the
// acquire command that created it: a larger request is younger.
struct lock_request {
  std::uint64_t client = 0;
  std::uint64_t request = 0;
  lock_mode mode = lock_mode::shared;
  friend bool operator==(const lock_request&, const lock_request&) = default;
};

// One lock's state: who holds it and who waits, in FIFO order.
struct lock_view {
  std::string lock;
  std::vector<lock_request> holders;
  std::vector<lock_request> waiters;
};

// An edge of the wait-for graph: `waiter` waits for `holder` (a client holding
// `lock` in a conflicting mode, or a client queued earlier for `lock` in a
// conflicting mode).
struct wait_edge {
  std::uint64_t waiter = 0;  // client
  std::uint64_t holder = 0;  // client
  std::string lock;
  bool queued = false;  // true: the holder is an earlier waiter, not a holder
  friend bool operator==(const wait_edge&, const wait_edge&) = default;
};

struct deadlock {
  // Edges in cycle order: cycle[i].holder == cycle[i+1].waiter, the last back
  // to the first.
  std::vector<wait_edge> cycle;
  // The youngest waiting request of the clients on the cycle (largest
  // `request`), ties by the largest client id, so every replica picks the same.
  lock_request victim;
  std::string victim_lock;  // the lock the victim waits for
};

// Edges waiter -> each conflicting holder and waiter -> each earlier
// conflicting waiter of the same lock. A client never waits for itself (an
// upgrade has edges to the other holders only). Edges are deduplicated (same
// waiter, holder, lock) and ordered by lock in the order given, then waiter
// queue position, then holders before queued, then order in the view.
// Without `waiter_edges` only the holder edges are made (the bug
// lock.no_waiter_edges, which misses deadlocks through a queue).
std::vector<wait_edge> wait_for_edges(const std::vector<lock_view>& locks, bool waiter_edges = true);

// One cycle of the wait-for graph, found in O(V + E) by depth-first search
// over the clients in ascending order; nullopt if the graph is acyclic.
std::optional<deadlock> find_deadlock(const std::vector<lock_view>& locks, bool waiter_edges = true);

// Every elementary cycle as a list of client ids (exponential: for tests and
// cross-checking only).
std::vector<std::vector<std::uint64_t>> all_cycles(const std::vector<lock_view>& locks);

// The wait-for graph as Graphviz DOT: one cluster per client holding a node
// per lock request of that client, an edge per waiting request and the request
// it waits for, the edges of `found` in red, and `title` as the graph label.
// Clusters are labelled with `names` (client id to name), else "client ID".
// The same input gives the same bytes.
std::string wait_for_dot(const std::vector<lock_view>& locks, const std::optional<deadlock>& found,
                         const std::string& title, const std::map<std::uint64_t, std::string>& names = {});

}  // namespace protocols::lock
