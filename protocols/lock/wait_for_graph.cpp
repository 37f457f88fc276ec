// The wait-for graph of a lock table. Edges are first found between lock
// requests (so the DOT output can draw them request to request), then folded
// into edges between clients for the cycle search. Every container is ordered
// and every vertex is a client's rank among the sorted clients, so the same
// table gives the same cycle, victim and DOT bytes on every replica.
#include "protocols/lock/wait_for_graph.hpp"

#include <algorithm>
#include <map>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/hawick_circuits.hpp>
#include <cstddef>
#include <set>
#include <tuple>
#include <utility>

#include "sim/assert.hpp"

namespace protocols::lock {
namespace {

// Vertices are clients by rank; each edge carries its index into the list of
// client edges, so a search result maps back to the lock it came from.
using wait_for_graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, std::size_t>;

// A wait between two requests of one lock, by their positions in its view.
struct request_edge {
  std::size_t lock_index = 0;
  std::size_t waiter_position = 0;
  std::size_t holder_position = 0;  // among the holders, or among the waiters when queued
  bool queued = false;
};

std::vector<request_edge> request_edges(const std::vector<lock_view>& locks, bool waiter_edges = true) {
  std::vector<request_edge> edges;
  for (std::size_t lock_index = 0; lock_index < locks.size(); ++lock_index) {
    const lock_view& view = locks[lock_index];
    for (std::size_t waiter_position = 0; waiter_position < view.waiters.size(); ++waiter_position) {
      const lock_request& waiter = view.waiters[waiter_position];
      for (std::size_t holder_position = 0; holder_position < view.holders.size(); ++holder_position) {
        const lock_request& holder = view.holders[holder_position];
        // A client never waits for itself: an upgrade waits for the other holders.
        if (holder.client != waiter.client && conflicts(holder.mode, waiter.mode)) {
          edges.push_back({lock_index, waiter_position, holder_position, false});
        }
      }
      // FIFO without barging: a waiter is also blocked by every earlier
      // conflicting waiter, which will be granted first.
      for (std::size_t earlier = 0; waiter_edges && earlier < waiter_position; ++earlier) {
        const lock_request& ahead = view.waiters[earlier];
        if (ahead.client != waiter.client && conflicts(ahead.mode, waiter.mode)) {
          edges.push_back({lock_index, waiter_position, earlier, true});
        }
      }
    }
  }
  return edges;
}

const lock_request& waiting_request(const std::vector<lock_view>& locks, const request_edge& edge) {
  return locks[edge.lock_index].waiters[edge.waiter_position];
}

const lock_request& blocking_request(const std::vector<lock_view>& locks, const request_edge& edge) {
  const lock_view& view = locks[edge.lock_index];
  return edge.queued ? view.waiters[edge.holder_position] : view.holders[edge.holder_position];
}

wait_edge client_edge(const std::vector<lock_view>& locks, const request_edge& edge) {
  return {waiting_request(locks, edge).client, blocking_request(locks, edge).client, locks[edge.lock_index].lock,
          edge.queued};
}

bool same_wait(const wait_edge& left, const wait_edge& right) {
  return left.waiter == right.waiter && left.holder == right.holder && left.lock == right.lock;
}

std::vector<std::uint64_t> sorted_clients(const std::vector<lock_view>& locks) {
  std::set<std::uint64_t> clients;
  for (const lock_view& view : locks) {
    for (const lock_request& holder : view.holders) clients.insert(holder.client);
    for (const lock_request& waiter : view.waiters) clients.insert(waiter.client);
  }
  return {clients.begin(), clients.end()};
}

std::size_t vertex_of(const std::vector<std::uint64_t>& clients, std::uint64_t client) {
  const auto found = std::lower_bound(clients.begin(), clients.end(), client);
  SYNCSIM_ASSERT(found != clients.end() && *found == client);
  return static_cast<std::size_t>(found - clients.begin());
}

// With one edge per pair of clients, a cycle through two locks between the
// same clients is enumerated once rather than once per lock.
wait_for_graph graph_of(const std::vector<std::uint64_t>& clients, const std::vector<wait_edge>& edges,
                        bool one_edge_per_pair) {
  wait_for_graph graph(clients.size());
  std::set<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t index = 0; index < edges.size(); ++index) {
    const std::size_t waiter = vertex_of(clients, edges[index].waiter);
    const std::size_t holder = vertex_of(clients, edges[index].holder);
    if (one_edge_per_pair && !pairs.insert({waiter, holder}).second) continue;
    boost::add_edge(waiter, holder, index, graph);
  }
  return graph;
}

// What the depth-first search learns. The search copies its visitor, so the
// visitor writes here through a pointer.
struct search_record {
  std::vector<std::optional<std::size_t>> discovering_edge;  // per vertex, the tree edge into it
  std::optional<std::size_t> first_back_edge;
};

class cycle_recorder : public boost::default_dfs_visitor {
 public:
  explicit cycle_recorder(search_record* record) : record_(record) {}

  template <typename Edge, typename Graph>
  void tree_edge(Edge edge, const Graph& graph) const {
    record_->discovering_edge[boost::target(edge, graph)] = graph[edge];
  }

  template <typename Edge, typename Graph>
  void back_edge(Edge edge, const Graph& graph) const {
    if (!record_->first_back_edge) record_->first_back_edge = graph[edge];
  }

 private:
  search_record* record_;
};

// A back edge u -> v closes the cycle v -> ... -> u of tree edges, which is
// walked backwards from u through the edges that discovered each vertex.
std::vector<wait_edge> cycle_of(const std::vector<std::uint64_t>& clients, const std::vector<wait_edge>& edges,
                                const search_record& record) {
  const wait_edge& closing = edges[*record.first_back_edge];
  const std::size_t start = vertex_of(clients, closing.holder);
  std::size_t current = vertex_of(clients, closing.waiter);
  std::vector<wait_edge> cycle{closing};
  while (current != start) {
    const std::optional<std::size_t>& discovering = record.discovering_edge[current];
    SYNCSIM_ASSERT(discovering.has_value());
    SYNCSIM_ASSERT(cycle.size() < clients.size());
    cycle.push_back(edges[*discovering]);
    current = vertex_of(clients, edges[*discovering].waiter);
  }
  std::reverse(cycle.begin(), cycle.end());
  return cycle;
}

bool younger(const lock_request& left, const lock_request& right) {
  return std::tie(left.request, left.client) > std::tie(right.request, right.client);
}

// Only the waiting requests that make the cycle's edges are candidates:
// aborting a client's request for some other lock would leave the cycle.
void choose_victim(const std::vector<lock_view>& locks, deadlock& found) {
  std::optional<lock_request> victim;
  for (const request_edge& edge : request_edges(locks)) {
    const wait_edge wait = client_edge(locks, edge);
    const bool on_cycle = std::any_of(found.cycle.begin(), found.cycle.end(),
                                      [&wait](const wait_edge& cycle_edge) { return same_wait(cycle_edge, wait); });
    const lock_request& candidate = waiting_request(locks, edge);
    if (on_cycle && (!victim || younger(candidate, *victim))) {
      victim = candidate;
      found.victim_lock = wait.lock;
    }
  }
  SYNCSIM_ASSERT(victim.has_value());
  found.victim = *victim;
}

// Keeps each elementary circuit as client ids; hawick_circuits copies its
// visitor, so the results live behind pointers.
struct circuit_collector {
  const std::vector<std::uint64_t>* clients;
  std::vector<std::vector<std::uint64_t>>* cycles;

  template <typename Path, typename Graph>
  void cycle(const Path& path, const Graph&) const {
    std::vector<std::uint64_t> members;
    for (const auto vertex : path) members.push_back((*clients)[vertex]);
    cycles->push_back(std::move(members));
  }
};

std::string quoted(const std::string& text) {
  std::string result = "\"";
  for (const char character : text) {
    if (character == '"' || character == '\\') result += '\\';
    if (character == '\n') {
      result += "\\n";
      continue;
    }
    result += character;
  }
  return result + "\"";
}

const char* mode_letter(lock_mode mode) { return mode == lock_mode::shared ? "S" : "X"; }

std::string node_name(std::size_t lock_index, bool waiting, std::size_t position) {
  return "lock" + std::to_string(lock_index) + (waiting ? "_waiter" : "_holder") + std::to_string(position);
}

// One cluster per client with a node per request it holds or waits for.
void write_client_cluster(const std::vector<lock_view>& locks, std::uint64_t client,
                          const std::map<std::uint64_t, std::string>& names, std::string& dot) {
  const auto named = names.find(client);
  dot += "  subgraph cluster_" + std::to_string(client) + " {\n";
  dot += "    label=" + quoted(named == names.end() ? "client " + std::to_string(client) : named->second) + ";\n";
  for (std::size_t lock_index = 0; lock_index < locks.size(); ++lock_index) {
    const lock_view& view = locks[lock_index];
    for (std::size_t position = 0; position < view.holders.size(); ++position) {
      if (view.holders[position].client != client) continue;
      const std::string label = view.lock + ": holds " + mode_letter(view.holders[position].mode);
      dot += "    " + node_name(lock_index, false, position) + " [label=" + quoted(label) + "];\n";
    }
    for (std::size_t position = 0; position < view.waiters.size(); ++position) {
      if (view.waiters[position].client != client) continue;
      const std::string label = view.lock + ": waits " + mode_letter(view.waiters[position].mode);
      dot += "    " + node_name(lock_index, true, position) + " [label=" + quoted(label) + "];\n";
    }
  }
  dot += "  }\n";
}

}  // namespace

bool conflicts(lock_mode left, lock_mode right) {
  return left == lock_mode::exclusive || right == lock_mode::exclusive;
}

std::vector<wait_edge> wait_for_edges(const std::vector<lock_view>& locks, bool waiter_edges) {
  std::vector<wait_edge> edges;
  std::set<std::tuple<std::uint64_t, std::uint64_t, std::string>> seen;
  for (const request_edge& edge : request_edges(locks, waiter_edges)) {
    wait_edge wait = client_edge(locks, edge);
    if (seen.insert({wait.waiter, wait.holder, wait.lock}).second) edges.push_back(std::move(wait));
  }
  return edges;
}

std::optional<deadlock> find_deadlock(const std::vector<lock_view>& locks, bool waiter_edges) {
  const std::vector<std::uint64_t> clients = sorted_clients(locks);
  const std::vector<wait_edge> edges = wait_for_edges(locks, waiter_edges);
  const wait_for_graph graph = graph_of(clients, edges, false);
  search_record record;
  record.discovering_edge.resize(clients.size());
  boost::depth_first_search(graph, boost::visitor(cycle_recorder(&record)));
  if (!record.first_back_edge) return std::nullopt;
  deadlock found;
  found.cycle = cycle_of(clients, edges, record);
  choose_victim(locks, found);
  return found;
}

std::vector<std::vector<std::uint64_t>> all_cycles(const std::vector<lock_view>& locks) {
  const std::vector<std::uint64_t> clients = sorted_clients(locks);
  const wait_for_graph graph = graph_of(clients, wait_for_edges(locks), true);
  std::vector<std::vector<std::uint64_t>> cycles;
  boost::hawick_circuits(graph, circuit_collector{&clients, &cycles});
  return cycles;
}

std::string wait_for_dot(const std::vector<lock_view>& locks, const std::optional<deadlock>& found,
                         const std::string& title, const std::map<std::uint64_t, std::string>& names) {
  std::string dot = "digraph wait_for {\n";
  dot += "  label=" + quoted(title) + ";\n  labelloc=t;\n  node [shape=box];\n";
  for (const std::uint64_t client : sorted_clients(locks)) write_client_cluster(locks, client, names, dot);
  for (const request_edge& edge : request_edges(locks)) {
    const wait_edge wait = client_edge(locks, edge);
    const bool on_cycle = found && std::find(found->cycle.begin(), found->cycle.end(), wait) != found->cycle.end();
    dot += "  " + node_name(edge.lock_index, true, edge.waiter_position) + " -> " +
           node_name(edge.lock_index, edge.queued, edge.holder_position) + " [label=" + quoted(wait.lock) +
           (on_cycle ? ", color=red, penwidth=2" : ", color=black") + "];\n";
  }
  return dot + "}\n";
}

}  // namespace protocols::lock
