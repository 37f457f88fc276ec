#include "protocols/lock/lock_table.hpp"

#include <algorithm>
#include <set>
#include <sstream>
#include <string_view>

#include "sim/hash.hpp"

namespace protocols::lock {
namespace {

lock_mode parse_mode(const std::string& text) {
  SYNCSIM_ASSERT(text == "S" || text == "X");
  return text == "S" ? lock_mode::shared : lock_mode::exclusive;
}

template <class T>
T read_word(std::istringstream& words) {
  T value{};
  words >> value;
  SYNCSIM_ASSERT(!words.fail());
  return value;
}

}  // namespace

bool lock_table::equals(const raft::state_machine& other) const {
  const auto* same = dynamic_cast<const lock_table*>(&other);
  return same != nullptr && same->bugs_ == bugs_ && same->timing_ == timing_ && same->locks_ == locks_ &&
         same->sessions_ == sessions_ && same->last_token_ == last_token_ && same->lease_since_ == lease_since_ &&
         same->wait_since_ == wait_since_ && same->proposed_ == proposed_ && same->detected_at_ == detected_at_ &&
         same->leader_tokens_ == leader_tokens_ && same->false_aborts_ == false_aborts_;
}

// Hashed whole when first asked after a change: checkers ask after every
// event, the table changes only when an entry applies.
std::uint64_t lock_table::state_hash() const {
  if (!hash_cache_) hash_cache_ = compute_hash();
  return *hash_cache_;
}

std::uint64_t lock_table::compute_hash() const {
  sim::hasher result(3);
  for (const auto& [name, lock] : locks_) {
    result.add_string(name);
    for (const lock_holder& holder : lock.holders) {
      result.add(holder.client).add(static_cast<std::uint64_t>(holder.mode)).add(holder.token);
      result.add(holder.renewed).add(static_cast<std::uint64_t>(holder.lease_ns));
    }
    result.add(lock.holders.size());
    for (const lock_waiter& waiter : lock.queue) {
      result.add(waiter.client).add(waiter.sequence).add(waiter.request).add(static_cast<std::uint64_t>(waiter.mode));
      result.add(static_cast<std::uint64_t>(waiter.wait_ns)).add(static_cast<std::uint64_t>(waiter.lease_ns));
    }
    result.add(lock.queue.size());
  }
  for (const auto& [client, session] : sessions_) result.add(client).add(session.sequence).add_string(session.result);
  return result.add(last_token_).value();
}

std::uint64_t lock_table::fingerprint() const {
  sim::hasher result(state_hash());
  for (const auto& [key, since] : lease_since_) result.add_string(key.first).add(key.second).add(static_cast<std::uint64_t>(since));
  for (const auto& [request, since] : wait_since_) result.add(request).add(static_cast<std::uint64_t>(since));
  for (const auto& [command, at] : proposed_) result.add_string(command).add(static_cast<std::uint64_t>(at));
  return result.add(static_cast<std::uint64_t>(detected_at_)).add(leader_tokens_).add(false_aborts_).value();
}

// Sessions: a request already applied is answered again from its session,
// one still waiting is answered when it is granted or gives up.
raft::admission lock_table::admit(const raft::client_request& request, std::string& answer) const {
  if (bugs_.no_session_dedup) return raft::admission::append;
  const auto known = sessions_.find(request.client);
  if (known == sessions_.end() || request.sequence > known->second.sequence) return raft::admission::append;
  if (request.sequence < known->second.sequence || known->second.result.empty()) return raft::admission::ignore;
  answer = known->second.result;
  return raft::admission::answered;
}

std::optional<std::string> lock_table::answer_locally(const raft::client_request& request) const {
  if (!bugs_.follower_grants || !request.command.starts_with("acquire ")) return std::nullopt;
  std::istringstream words(request.command.substr(8));
  const auto name = read_word<std::string>(words);
  const lock_mode mode = parse_mode(read_word<std::string>(words));
  const auto found = locks_.find(name);
  if (found != locks_.end() && !compatible(found->second, request.client, mode)) return std::nullopt;
  return "granted " + std::to_string(last_token_ + 1);  // the bug: a grant nobody else knows of
}

void lock_table::apply(std::uint64_t index, const raft::log_entry& entry, sim::time_ns now,
                       std::vector<raft::machine_reply>& replies) {
  hash_cache_.reset();
  apply_command(index, entry, now, replies);
  // A lock nobody holds or waits for is no state at all.
  std::erase_if(locks_, [](const auto& item) { return item.second.holders.empty() && item.second.queue.empty(); });
}

void lock_table::apply_command(std::uint64_t index, const raft::log_entry& entry, sim::time_ns now,
                               std::vector<raft::machine_reply>& replies) {
  context at{index, now, replies};
  if (bugs_.local_clock_expiry) expire_by_local_clock(at);
  if (entry.client != 0 && !bugs_.no_session_dedup) {
    const auto known = sessions_.find(entry.client);
    if (known != sessions_.end() && entry.sequence <= known->second.sequence) {
      // A retry logged twice: answer it again if it has an answer.
      if (entry.sequence == known->second.sequence && !known->second.result.empty()) {
        replies.push_back({entry.client, entry.sequence, known->second.result});
      }
      return;
    }
  }
  if (entry.client != 0) {
    if (!bugs_.no_session_dedup) abandon_waiting(at, entry.client);  // sessions know the client moved on
    sessions_[entry.client] = {entry.sequence, ""};
  }
  std::istringstream words(entry.command);
  const auto operation = read_word<std::string>(words);
  if (operation == "acquire") return acquire(at, entry, words);
  if (operation == "release") return release(at, entry, words);
  if (operation == "renew") return renew(at, entry, words);
  SYNCSIM_ASSERT(entry.client == 0);  // the rest only the leader proposes
  if (operation == "expire") return expire(at, words);
  if (operation == "timeout") return remove_waiter(at, words, "timeout", false);
  if (operation == "abort") return remove_waiter(at, words, "deadlock", !bugs_.abort_unverified);
  SYNCSIM_ASSERT(false);
}

void lock_table::acquire(context& at, const raft::log_entry& entry, std::istringstream& words) {
  const auto name = read_word<std::string>(words);
  const lock_mode mode = parse_mode(read_word<std::string>(words));
  const auto wait_ns = read_word<sim::time_ns>(words);
  const auto lease_ns = read_word<sim::time_ns>(words);
  lock_entry& lock = locks_[name];
  const auto held = std::find_if(lock.holders.begin(), lock.holders.end(),
                                 [&](const lock_holder& holder) { return holder.client == entry.client; });
  if (held != lock.holders.end() && (held->mode == mode || mode == lock_mode::shared)) {
    // Already held in this mode, or a downgrade, which waiters may follow.
    held->mode = mode;
    answer(at, entry.client, entry.sequence, "granted " + std::to_string(held->token));
    return grant_waiters(at, name);
  }
  // An upgrade is granted once no one else holds the lock: the queued
  // requests wait for this holder anyway, so it passes none of them.
  const bool upgrade = held != lock.holders.end();
  if ((upgrade || lock.queue.empty() || bugs_.barging) && compatible(lock, entry.client, mode)) {
    return grant(at, name, entry.client, entry.sequence, mode, lease_ns);
  }
  if (wait_ns == 0) return answer(at, entry.client, entry.sequence, "busy");
  lock.queue.push_back({entry.client, entry.sequence, at.index, mode, wait_ns, lease_ns});
  wait_since_[at.index] = at.now;
}

void lock_table::release(context& at, const raft::log_entry& entry, std::istringstream& words) {
  const auto name = read_word<std::string>(words);
  const auto token = read_word<std::uint64_t>(words);
  lock_entry& lock = locks_[name];
  const auto held = std::find_if(lock.holders.begin(), lock.holders.end(), [&](const lock_holder& holder) {
    return holder.client == entry.client && holder.token == token;
  });
  if (held == lock.holders.end()) return answer(at, entry.client, entry.sequence, "not-holder");
  lock.holders.erase(held);
  lease_since_.erase({name, entry.client});
  answer(at, entry.client, entry.sequence, "released");
  grant_waiters(at, name);
}

void lock_table::renew(context& at, const raft::log_entry& entry, std::istringstream& words) {
  const auto name = read_word<std::string>(words);
  const auto token = read_word<std::uint64_t>(words);
  const auto lease_ns = read_word<sim::time_ns>(words);
  lock_entry& lock = locks_[name];
  auto held = std::find_if(lock.holders.begin(), lock.holders.end(), [&](const lock_holder& holder) {
    return holder.client == entry.client && holder.token == token;
  });
  if (held == lock.holders.end() && bugs_.renew_without_token) {
    // The bug: a renewal that finds no such holding restores it.
    lock.holders.push_back({entry.client, lock_mode::exclusive, token, at.index, lease_ns});
    held = lock.holders.end() - 1;
  }
  if (held == lock.holders.end()) return answer(at, entry.client, entry.sequence, "not-holder");
  held->renewed = at.index;
  held->lease_ns = lease_ns;
  lease_since_[{name, entry.client}] = at.now;
  answer(at, entry.client, entry.sequence, "renewed");
}

// The leader saw the lease run out on its clock; it still holds only if
// nothing renewed it since (a renewal changes `renewed`).
void lock_table::expire(context& at, std::istringstream& words) {
  const auto name = read_word<std::string>(words);
  const auto client = read_word<std::uint64_t>(words);
  const auto token = read_word<std::uint64_t>(words);
  const auto renewed = read_word<std::uint64_t>(words);
  lock_entry& lock = locks_[name];
  const auto held = std::find_if(lock.holders.begin(), lock.holders.end(), [&](const lock_holder& holder) {
    return holder.client == client && holder.token == token && holder.renewed == renewed;
  });
  if (held == lock.holders.end()) return;
  lock.holders.erase(held);
  lease_since_.erase({name, client});
  grant_waiters(at, name);
}

// A wait that timed out, or a deadlock's victim: the request leaves the
// queue and its client hears why. An abort is checked again here, at the
// index where it applies: if the cycle is gone, nothing is aborted.
void lock_table::remove_waiter(context& at, std::istringstream& words, const char* outcome, bool verify_cycle) {
  const auto name = read_word<std::string>(words);
  const auto client = read_word<std::uint64_t>(words);
  const auto request = read_word<std::uint64_t>(words);
  lock_entry& lock = locks_[name];
  const auto waiting = std::find_if(lock.queue.begin(), lock.queue.end(), [&](const lock_waiter& waiter) {
    return waiter.client == client && waiter.request == request;
  });
  if (waiting == lock.queue.end()) return;
  const bool cycle = std::string_view(outcome) == "deadlock" ? on_cycle(name, client, request, true) : true;
  if (verify_cycle && !on_cycle(name, client, request, !bugs_.no_waiter_edges)) return;
  if (!cycle) false_aborts_++;
  const lock_waiter removed = *waiting;
  lock.queue.erase(waiting);
  wait_since_.erase(request);
  answer(at, removed.client, removed.sequence, outcome);
  grant_waiters(at, name);
}

// A client sends one request at a time: a newer one means it gave up on
// the one still waiting (its leader was unreachable), which leaves the
// queue instead of holding up the requests behind it.
void lock_table::abandon_waiting(context& at, std::uint64_t client) {
  const auto known = sessions_.find(client);
  if (known == sessions_.end() || !known->second.result.empty()) return;
  for (auto& [name, lock] : locks_) {
    const auto waiting = std::find_if(lock.queue.begin(), lock.queue.end(), [&](const lock_waiter& waiter) {
      return waiter.client == client && waiter.sequence == known->second.sequence;
    });
    if (waiting == lock.queue.end()) continue;
    wait_since_.erase(waiting->request);
    lock.queue.erase(waiting);
    grant_waiters(at, name);
    return;
  }
}

// FIFO without barging: grant from the head while the head is compatible
// (several shared requests in a row), and stop at the first that is not.
void lock_table::grant_waiters(context& at, const std::string& name) {
  lock_entry& lock = locks_[name];
  for (std::size_t position = 0; position < lock.queue.size();) {
    const lock_waiter head = lock.queue[position];
    if (!compatible(lock, head.client, head.mode)) {
      if (!bugs_.barging) return;
      position++;  // the bug: a later compatible request passes the head
      continue;
    }
    lock.queue.erase(lock.queue.begin() + static_cast<std::ptrdiff_t>(position));
    wait_since_.erase(head.request);
    grant(at, name, head.client, head.sequence, head.mode, head.lease_ns);
  }
}

// Whether `client` may hold `name` in `mode` beside its other holders.
bool lock_table::compatible(const lock_entry& lock, std::uint64_t client, lock_mode mode) const {
  for (const lock_holder& holder : lock.holders) {
    if (holder.client == client) continue;
    if (bugs_.exclusive_beside_shared && holder.mode == lock_mode::shared) continue;
    if (conflicts(holder.mode, mode)) return false;
  }
  return true;
}

void lock_table::grant(context& at, const std::string& name, std::uint64_t client, std::uint64_t sequence,
                       lock_mode mode, sim::time_ns lease_ns) {
  lock_entry& lock = locks_[name];
  const std::uint64_t token = next_token(at);
  const auto held = std::find_if(lock.holders.begin(), lock.holders.end(),
                                 [&](const lock_holder& holder) { return holder.client == client; });
  if (held != lock.holders.end()) {
    *held = {client, mode, token, at.index, lease_ns};  // an upgrade: a new token fences the shared one
  } else {
    lock.holders.push_back({client, mode, token, at.index, lease_ns});
  }
  lease_since_[{name, client}] = at.now;
  answer(at, client, sequence, "granted " + std::to_string(token));
}

// Tokens come from the Raft index of the grant, so a new leader can only
// issue larger ones; several grants in one entry are told apart below it.
std::uint64_t lock_table::next_token(context& at) {
  SYNCSIM_ASSERT(at.grants < 1000);
  const std::uint64_t token = bugs_.token_per_leader ? ++leader_tokens_ : at.index * 1000 + at.grants;
  at.grants++;
  last_token_ = std::max(last_token_, token);
  return token;
}

void lock_table::answer(context& at, std::uint64_t client, std::uint64_t sequence, const std::string& result) {
  auto& session = sessions_[client];
  if (session.sequence == sequence) session.result = result;
  at.replies.push_back({client, sequence, result});
}

// The bug lock.local_clock_expiry: each replica expires leases by its own
// clock as it applies, so replicas disagree on who holds what.
void lock_table::expire_by_local_clock(context& at) {
  for (auto& [name, lock] : locks_) {
    std::erase_if(lock.holders, [&](const lock_holder& holder) {
      const auto since = lease_since_.find({name, holder.client});
      return holder.lease_ns > 0 && since != lease_since_.end() && at.now - since->second >= holder.lease_ns;
    });
  }
}

std::vector<lock_view> lock_table::views() const {
  std::vector<lock_view> result;
  for (const auto& [name, lock] : locks_) {
    if (lock.holders.empty() && lock.queue.empty()) continue;
    lock_view view{name, {}, {}};
    for (const lock_holder& holder : lock.holders) view.holders.push_back({holder.client, holder.token, holder.mode});
    for (const lock_waiter& waiter : lock.queue) view.waiters.push_back({waiter.client, waiter.request, waiter.mode});
    result.push_back(std::move(view));
  }
  return result;
}

// Whether the client's wait for `name` is on a cycle of the wait-for graph:
// some client it waits for there reaches it again.
bool lock_table::on_cycle(const std::string& name, std::uint64_t client, std::uint64_t, bool waiter_edges) const {
  const std::vector<wait_edge> edges = wait_for_edges(views(), waiter_edges);
  std::vector<std::uint64_t> frontier;
  for (const wait_edge& edge : edges) {
    if (edge.waiter == client && edge.lock == name) frontier.push_back(edge.holder);
  }
  std::set<std::uint64_t> reached(frontier.begin(), frontier.end());
  while (!frontier.empty()) {
    const std::uint64_t next = frontier.back();
    frontier.pop_back();
    if (next == client) return true;
    for (const wait_edge& edge : edges) {
      if (edge.waiter == next && reached.insert(edge.holder).second) frontier.push_back(edge.holder);
    }
  }
  return false;
}

std::string lock_table::read(const std::string& command) const {
  SYNCSIM_ASSERT(false);  // every lock command goes through the log
  return command;
}

}  // namespace protocols::lock
