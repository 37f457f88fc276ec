#pragma once
// A linearizability checker over client histories: Wing and Gong's search
// with Lowe's memoization of (linearized set, model state), as Porcupine
// does it, run per partition of the history (linearizability is local, so a
// key-value history is checked key by key). Raft, the lock manager and the
// cache share it.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace sim::linearizability {

inline constexpr std::uint64_t never_returned = std::numeric_limits<std::uint64_t>::max();

// One operation of a history. Times are positions in the history (any
// order-preserving integers). An operation whose outcome is unknown (Jepsen's
// :info) has no output and returns never: it may take effect at any point
// after its call, or not at all.
struct operation {
  std::uint64_t client = 0;
  std::uint64_t call = 0;
  std::uint64_t returned = never_returned;
  std::string function;  // "read", "write", "cas", "get", "put", "append", ...
  std::string key;       // the partition it belongs to ("" for a single register)
  std::string input;
  std::string output;
  bool output_known = true;
};

// Pairs a history's events into operations: each client's invoke is closed
// by its next completion. ok returns with an output; info (or no completion
// at all) leaves the outcome unknown; a fail is kept as unknown too, which
// is weaker (it may not have happened) but never wrongly strict.
class history_builder {
 public:
  void invoke(std::uint64_t client, std::uint64_t time, std::string function, std::string key, std::string input);
  // Returns false if the client has no operation open.
  bool complete(std::uint64_t client, std::uint64_t time, bool ok, std::string output);
  std::vector<operation> finish();

 private:
  std::vector<operation> operations_;
  std::vector<std::pair<std::uint64_t, std::size_t>> open_;  // client, operation
};

// A sequential specification over states encoded as strings.
class model {
 public:
  virtual ~model() = default;
  virtual std::string initial_state() const = 0;
  // Whether `item` may take effect in `state`; if so, the state after it.
  // An operation with an unknown output must never be refused for its
  // output alone.
  virtual bool step(const std::string& state, const operation& item, std::string& next) const = 0;
  // Whether step() depends on the operation's client. If it does, two
  // operations of unknown outcome are interchangeable only for one client.
  virtual bool reads_client() const { return false; }
};

// A register of integers (or nil): read, write, cas with input "FROM TO" and
// output "true"/"false" (Jepsen's etcd tests).
const model& register_model();
// A string per key: get, put, append (Jepsen's key-value tests).
const model& key_value_model();

struct verdict {
  bool linearizable = true;
  std::string key;             // the first key found not linearizable
  std::size_t operations = 0;  // checked
  std::size_t partitions = 0;
  std::uint64_t states_explored = 0;
  bool exhausted = false;  // the search budget ran out before a verdict
};

// Search steps per partition before the verdict says exhausted: about a
// minute of search. A 10,000-seed raft-swarm sweep met one linearizable
// history (one key, 1,430 operations, 100 writes and cas of unknown
// outcome) that needed 149 million.
inline constexpr std::uint64_t default_state_budget = 250'000'000;

// Checks every partition (operations grouped by key). `state_budget` bounds
// the search per partition; when it runs out, the verdict says exhausted.
verdict check(const std::vector<operation>& history, const model& specification,
              std::uint64_t state_budget = default_state_budget);

}  // namespace sim::linearizability
