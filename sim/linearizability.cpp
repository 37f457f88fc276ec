#include "sim/linearizability.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "sim/assert.hpp"
#include "sim/hash.hpp"

namespace sim::linearizability {
namespace {

// The search works on a doubly linked list of call and return entries in
// time order; linearizing an operation lifts its two entries out of the list,
// backtracking puts them back.
struct entry {
  bool is_call = false;
  std::size_t operation = 0;
  std::size_t match = 0;  // the call's return entry, or the return's call entry
  std::size_t previous = 0;
  std::size_t next = 0;
};

constexpr std::size_t none = std::numeric_limits<std::size_t>::max();

struct configuration {
  std::vector<std::uint64_t> linearized;
  std::string state;
  bool operator==(const configuration&) const = default;
};

// Membership only: the set is never iterated, so its order cannot leak.
struct configuration_hash {
  std::size_t operator()(const configuration& value) const {
    hasher result;
    for (std::uint64_t word : value.linearized) result.add(word);
    return static_cast<std::size_t>(result.add_string(value.state).value());
  }
};

class search {
 public:
  search(const std::vector<const operation*>& operations, const model& specification)
      : operations_(operations), model_(specification) {
    build_entries();
  }

  // True if linearizable; false if not; nullopt if the budget ran out.
  std::optional<bool> run(std::uint64_t budget, std::uint64_t& explored);

 private:
  void build_entries();
  void lift(std::size_t call);
  void unlift(std::size_t call);
  bool has_earlier_twin(std::size_t call) const;

  const std::vector<const operation*>& operations_;
  const model& model_;
  std::vector<entry> entries_;
  std::size_t head_ = none;
};

void search::build_entries() {
  struct event_position {
    std::uint64_t time;
    bool is_return;
    std::size_t operation;
  };
  std::vector<event_position> order;
  for (std::size_t index = 0; index < operations_.size(); ++index) {
    const operation& item = *operations_[index];
    SYNCSIM_ASSERT(item.call < item.returned);
    order.push_back({item.call, false, index});
    order.push_back({item.returned, true, index});
  }
  // Calls before returns at equal times: overlapping counts as concurrent.
  std::stable_sort(order.begin(), order.end(), [](const event_position& left, const event_position& right) {
    if (left.time != right.time) return left.time < right.time;
    return !left.is_return && right.is_return;
  });
  entries_.resize(order.size());
  std::vector<std::size_t> call_entry(operations_.size(), none);
  std::vector<std::size_t> return_entry(operations_.size(), none);
  for (std::size_t position = 0; position < order.size(); ++position) {
    entries_[position] = {!order[position].is_return, order[position].operation, none,
                          position == 0 ? none : position - 1, position + 1 == order.size() ? none : position + 1};
    (order[position].is_return ? return_entry : call_entry)[order[position].operation] = position;
  }
  for (std::size_t index = 0; index < operations_.size(); ++index) {
    entries_[call_entry[index]].match = return_entry[index];
    entries_[return_entry[index]].match = call_entry[index];
  }
  head_ = entries_.empty() ? none : 0;
}

void search::lift(std::size_t call) {
  for (const std::size_t position : {call, entries_[call].match}) {
    const entry& item = entries_[position];
    if (item.previous == none) {
      head_ = item.next;
    } else {
      entries_[item.previous].next = item.next;
    }
    if (item.next != none) entries_[item.next].previous = item.previous;
  }
}

void search::unlift(std::size_t call) {
  for (const std::size_t position : {entries_[call].match, call}) {
    const entry& item = entries_[position];
    if (item.previous == none) {
      head_ = position;
    } else {
      entries_[item.previous].next = position;
    }
    if (item.next != none) entries_[item.next].previous = position;
  }
}

// Wing and Gong's search with Lowe's memo of (linearized set, state). The
// candidates at each point, the calls before the first pending return, are
// tried in two passes: those whose outcome is known first, then those of
// unknown outcome. Every candidate is still tried, so the search stays
// complete, but an unknown write is linearized only when a known outcome
// needs it, not eagerly and then undone in every combination.
// Operations of unknown outcome never return, so two with the same function
// and input (and client, for a model that reads it) that are both
// candidates are interchangeable: trying the later one repeats what trying
// the earlier one did. Every entry ahead of `call` in the list is an
// unlinearized call (the scan stops at the first return).
bool search::has_earlier_twin(std::size_t call) const {
  const operation& target = *operations_[entries_[call].operation];
  for (std::size_t position = head_; position != call; position = entries_[position].next) {
    const operation& other = *operations_[entries_[position].operation];
    const bool same_client = other.client == target.client || !model_.reads_client();
    if (!other.output_known && other.function == target.function && other.input == target.input && same_client) {
      return true;
    }
  }
  return false;
}

std::optional<bool> search::run(std::uint64_t budget, std::uint64_t& explored) {
  struct frame {
    std::size_t call;
    std::string state;
    bool known_pass;
  };
  std::vector<frame> stack;
  std::unordered_set<configuration, configuration_hash> seen;
  configuration current{std::vector<std::uint64_t>((operations_.size() + 63) / 64, 0), model_.initial_state()};
  std::size_t position = head_;
  bool known_pass = true;
  std::string next_state;
  while (head_ != none) {
    if (++explored > budget) return std::nullopt;
    const entry& item = entries_[position];
    if (item.is_call) {
      const std::size_t index = item.operation;
      const bool in_pass = operations_[index]->output_known == known_pass && !(!known_pass && has_earlier_twin(position));
      if (in_pass && model_.step(current.state, *operations_[index], next_state)) {
        configuration candidate{current.linearized, next_state};
        candidate.linearized[index / 64] |= std::uint64_t{1} << (index % 64);
        if (seen.insert(candidate).second) {
          stack.push_back({position, std::move(current.state), known_pass});
          current = std::move(candidate);
          lift(position);
          position = head_;
          known_pass = true;
          continue;
        }
      }
      position = item.next;
      continue;
    }
    if (known_pass) {
      known_pass = false;  // the same candidates again, those of unknown outcome
      position = head_;
      continue;
    }
    // A return whose operation is not linearized yet: undo the last choice.
    if (stack.empty()) return false;
    const frame last = std::move(stack.back());
    stack.pop_back();
    const std::size_t index = entries_[last.call].operation;
    current.linearized[index / 64] &= ~(std::uint64_t{1} << (index % 64));
    current.state = last.state;
    unlift(last.call);
    position = entries_[last.call].next;
    known_pass = last.known_pass;
  }
  return true;
}

}  // namespace

void history_builder::invoke(std::uint64_t client, std::uint64_t time, std::string function, std::string key,
                             std::string input) {
  operation item;
  item.client = client;
  item.call = time;
  item.function = std::move(function);
  item.key = std::move(key);
  item.input = std::move(input);
  open_.emplace_back(client, operations_.size());
  operations_.push_back(std::move(item));
}

bool history_builder::complete(std::uint64_t client, std::uint64_t time, bool ok, std::string output) {
  const auto pending = std::find_if(open_.begin(), open_.end(), [client](const auto& entry) { return entry.first == client; });
  if (pending == open_.end()) return false;
  operation& item = operations_[pending->second];
  open_.erase(pending);
  if (ok) {
    item.returned = time;
    item.output = std::move(output);
  } else {
    item.output_known = false;
  }
  return true;
}

std::vector<operation> history_builder::finish() {
  for (const auto& [client, index] : open_) operations_[index].output_known = false;
  open_.clear();
  // Reads whose outcome is unknown constrain nothing.
  std::erase_if(operations_, [](const operation& item) {
    return !item.output_known && (item.function == "read" || item.function == "get");
  });
  // Neither does an operation of unknown outcome invoked after every known
  // outcome on its key had returned: it can be linearized after all of them.
  // Dropping these keeps a run that ends in a long outage from costing the
  // search an exponential number of orders.
  std::map<std::string, std::uint64_t> last_known_return;
  for (const operation& item : operations_) {
    if (!item.output_known) continue;
    std::uint64_t& last = last_known_return[item.key];
    last = std::max(last, item.returned);
  }
  std::erase_if(operations_, [&last_known_return](const operation& item) {
    if (item.output_known) return false;
    const auto last = last_known_return.find(item.key);
    return last == last_known_return.end() || item.call > last->second;
  });
  return std::move(operations_);
}

verdict check(const std::vector<operation>& history, const model& specification, std::uint64_t state_budget) {
  std::map<std::string, std::vector<const operation*>> partitions;
  for (const operation& item : history) partitions[item.key].push_back(&item);
  verdict result;
  result.operations = history.size();
  result.partitions = partitions.size();
  for (const auto& [key, operations] : partitions) {
    search partition(operations, specification);
    const std::optional<bool> outcome = partition.run(state_budget, result.states_explored);
    if (!outcome) {
      result.exhausted = true;
      result.key = key;
      return result;
    }
    if (!*outcome) {
      result.linearizable = false;
      result.key = key;
      return result;
    }
  }
  return result;
}

}  // namespace sim::linearizability
