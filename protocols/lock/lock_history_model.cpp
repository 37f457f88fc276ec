#include "protocols/lock/lock_history_model.hpp"

#include <map>
#include <sstream>

namespace protocols::lock {
namespace {

struct holding {
  bool exclusive = false;
  std::uint64_t token = 0;
};

// The state as text: "NEWEST;CLIENT MODE TOKEN;...", clients in order, so
// that equal states are equal strings (the checker memoizes on them).
struct lock_state {
  std::uint64_t newest = 0;
  std::map<std::uint64_t, holding> holders;

  static lock_state parse(const std::string& text) {
    lock_state state;
    std::istringstream words(text);
    words >> state.newest;
    std::uint64_t client = 0;
    char mode = 0;
    holding held;
    while (words >> client >> mode >> held.token) {
      held.exclusive = mode == 'X';
      state.holders[client] = held;
    }
    return state;
  }
  std::string text() const {
    std::string result = std::to_string(newest);
    for (const auto& [client, held] : holders) {
      result += " " + std::to_string(client) + (held.exclusive ? " X " : " S ") + std::to_string(held.token);
    }
    return result;
  }
};

class lock_specification final : public sim::linearizability::model {
 public:
  explicit lock_specification(bool leases) : leases_(leases) {}
  std::string initial_state() const override { return "0"; }
  bool step(const std::string& text, const sim::linearizability::operation& item, std::string& next) const override {
    lock_state state = lock_state::parse(text);
    const bool effect = item.output_known ? apply(state, item) : try_unknown(state, item);
    if (!item.output_known && !effect) state = lock_state::parse(text);  // it may not have happened at all
    next = state.text();
    return effect || !item.output_known;
  }

 private:
  bool apply(lock_state& state, const sim::linearizability::operation& item) const {
    if (item.function == "acquire") return acquire(state, item);
    const std::uint64_t token = std::stoull(item.input);
    const auto held = state.holders.find(item.client);
    const bool holds = held != state.holders.end() && held->second.token == token;
    if (item.function == "release" && holds) state.holders.erase(held);
    return holds;  // release and renew succeed only for the holder's token
  }

  // An acquire seen to fail (busy, timeout, a deadlock) changed nothing; an
  // unknown release may have released.
  bool try_unknown(lock_state& state, const sim::linearizability::operation& item) const {
    if (item.function != "release") return false;
    const auto held = state.holders.find(item.client);
    if (held == state.holders.end() || held->second.token != std::stoull(item.input)) return false;
    state.holders.erase(held);
    return true;
  }

  // "granted T": again the holder's own token (a repeat or a downgrade), or
  // a token newer than any before, compatible with the other holders (who,
  // with leases, may have expired).
  bool acquire(lock_state& state, const sim::linearizability::operation& item) const {
    if (!item.output.starts_with("granted ")) return false;
    const std::uint64_t token = std::stoull(item.output.substr(8));
    const bool exclusive = item.input.starts_with("X");
    const auto own = state.holders.find(item.client);
    if (own != state.holders.end() && own->second.token == token) {
      if (exclusive && !own->second.exclusive) return false;  // an upgrade gets a new token
      own->second.exclusive = exclusive;
      return true;
    }
    if (token <= state.newest) return false;
    for (auto other = state.holders.begin(); other != state.holders.end();) {
      const bool conflict = other->first != item.client && (exclusive || other->second.exclusive);
      if (conflict && !leases_) return false;
      other = conflict ? state.holders.erase(other) : std::next(other);
    }
    state.newest = token;
    state.holders[item.client] = {exclusive, token};
    return true;
  }

  bool leases_;
};

}  // namespace

const sim::linearizability::model& lock_model(bool leases) {
  static const lock_specification with_leases(true);
  static const lock_specification without_leases(false);
  return leases ? with_leases : without_leases;
}

}  // namespace protocols::lock
