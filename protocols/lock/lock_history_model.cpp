#include "protocols/lock/lock_history_model.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace protocols::lock {
namespace {

struct holding {
  bool exclusive = false;
  std::uint64_t token = 0;
  // False for a grant to an acquire whose answer the client never had: its
  // token is unknown until the client asks for the lock again and is told
  // it, and `token` is then the newest token before the grant, which the
  // real one exceeds.
  bool token_seen = true;
};

// The state as text: "NEWEST CLIENT MODE TOKEN ...", clients in order, so
// that equal states are equal strings (the checker memoizes on them). The
// mode is S or X, in lower case when the token is not seen.
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
      held.exclusive = mode == 'X' || mode == 'x';
      held.token_seen = mode == 'S' || mode == 'X';
      state.holders[client] = held;
    }
    return state;
  }
  std::string text() const {
    std::string result = std::to_string(newest);
    for (const auto& [client, held] : holders) {
      const char mode = held.exclusive ? (held.token_seen ? 'X' : 'x') : (held.token_seen ? 'S' : 's');
      result += " " + std::to_string(client) + " " + mode + " " + std::to_string(held.token);
    }
    return result;
  }
};

class lock_specification final : public sim::linearizability::model {
 public:
  explicit lock_specification(bool leases) : leases_(leases) {}
  std::string initial_state() const override { return "0"; }
  bool reads_client() const override { return true; }  // a lock is held by a client
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
    const bool holds = held != state.holders.end() && has_token(held->second, token);
    if (item.function == "release" && holds) state.holders.erase(held);
    return holds;  // release and renew succeed only for the holder's token
  }

  // An acquire seen to fail (busy, timeout, a deadlock) changed nothing, and
  // the checker leaves it out; one never answered may have been granted. An
  // unknown release may have released.
  bool try_unknown(lock_state& state, const sim::linearizability::operation& item) const {
    if (item.function == "acquire") return acquire_unanswered(state, item);
    if (item.function != "release") return false;
    const auto held = state.holders.find(item.client);
    if (held == state.holders.end() || !has_token(held->second, std::stoull(item.input))) return false;
    state.holders.erase(held);
    return true;
  }

  // "granted T": again the holder's own token (a repeat or a downgrade, which
  // may be the first the client hears of a grant whose answer it never had),
  // or a token newer than any before, compatible with the other holders
  // (who, with leases, may have expired).
  bool acquire(lock_state& state, const sim::linearizability::operation& item) const {
    if (!item.output.starts_with("granted ")) return false;
    const std::uint64_t token = std::stoull(item.output.substr(8));
    const bool exclusive = item.input.starts_with("X");
    const auto own = state.holders.find(item.client);
    const bool upgrade = own != state.holders.end() && exclusive && !own->second.exclusive;
    if (own != state.holders.end() && !upgrade && may_have_token(own->second, token)) {
      own->second = {exclusive, token};
      state.newest = std::max(state.newest, token);
      return true;
    }
    if (token <= state.newest || !make_room(state, item.client, exclusive)) return false;
    state.newest = token;
    state.holders[item.client] = {exclusive, token};
    return true;
  }

  // An acquire never answered took effect as the table takes one: a repeat
  // or a downgrade keeps the holding and its token, anything else is a
  // grant whose token the client has not seen.
  bool acquire_unanswered(lock_state& state, const sim::linearizability::operation& item) const {
    const bool exclusive = item.input.starts_with("X");
    const auto own = state.holders.find(item.client);
    if (own != state.holders.end() && (own->second.exclusive || !exclusive)) {
      own->second.exclusive = exclusive;
      return true;
    }
    if (!make_room(state, item.client, exclusive)) return false;
    state.holders[item.client] = {exclusive, state.newest, false};
    return true;
  }

  // A client releases or renews only with a token it was told.
  static bool has_token(const holding& held, std::uint64_t token) { return held.token_seen && held.token == token; }

  // A repeat acquire is answered with the holding's token: the one the
  // client was told, or, if it was never told, any token newer than every
  // token before the grant.
  static bool may_have_token(const holding& held, std::uint64_t token) {
    return held.token_seen ? held.token == token : token > held.token;
  }

  // Whether `client` may be granted the lock beside the other holders; with
  // leases the conflicting ones expired first.
  bool make_room(lock_state& state, std::uint64_t client, bool exclusive) const {
    for (auto other = state.holders.begin(); other != state.holders.end();) {
      const bool conflict = other->first != client && (exclusive || other->second.exclusive);
      if (conflict && !leases_) return false;
      other = conflict ? state.holders.erase(other) : std::next(other);
    }
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
