// The lock manager's checkers (INVARIANTS.md, lock manager): the replicated
// table's invariants on every replica after every event, FIFO grants,
// fencing tokens, deadlocks (none false, every one broken within a bound),
// and progress after the heal.
#include "protocols/lock/lock_checkers.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "protocols/lock/lock_history_model.hpp"
#include "protocols/lock/lock_table.hpp"
#include "protocols/raft/raft_server.hpp"
#include "sim/linearizability.hpp"
#include "sim/world.hpp"

namespace protocols::lock {
namespace {

const lock_table* table_of(const sim::world& state, std::uint32_t server) {
  if (state.process(server).status != sim::process_status::up) return nullptr;
  const auto* member = state.actor_as<raft::raft_server>({server, 0});
  return member == nullptr ? nullptr : dynamic_cast<const lock_table*>(&member->machine());
}

std::string mode_name(lock_mode mode) { return mode == lock_mode::shared ? "shared" : "exclusive"; }

// Holders are none, one exclusive, or shared only; no client holds twice
// or waits twice; the head of a queue is never left waiting when it could
// be granted; every token is unique and at most the newest issued.
std::optional<std::string> check_table(const lock_table& table, const std::string& who) {
  std::set<std::uint64_t> tokens;
  for (const auto& [name, lock] : table.locks()) {
    const std::string where = who + "'s lock " + name;
    std::set<std::uint64_t> holders;
    for (const lock_holder& holder : lock.holders) {
      if (holder.mode == lock_mode::exclusive && lock.holders.size() > 1) {
        return "holders: " + where + " has an exclusive holder beside " + std::to_string(lock.holders.size() - 1) +
               " other holders";
      }
      if (!holders.insert(holder.client).second) return "holders: " + where + " is held twice by one client";
      if (!tokens.insert(holder.token).second) return "tokens: " + who + " gave token " + std::to_string(holder.token) + " twice";
      if (holder.token > table.last_token()) return "tokens: " + where + " has a token beyond the newest issued";
    }
    std::set<std::uint64_t> waiters;
    for (const lock_waiter& waiter : lock.queue) {
      if (!waiters.insert(waiter.client).second) {
        return "waiters: " + where + " has client " + std::to_string(waiter.client) + " waiting twice";
      }
    }
    if (lock.queue.empty()) continue;
    const lock_waiter& head = lock.queue.front();
    const bool blocked = std::any_of(lock.holders.begin(), lock.holders.end(), [&](const lock_holder& holder) {
      return holder.client != head.client && conflicts(holder.mode, head.mode);
    });
    if (!blocked) return "queue: the head of " + where + " (" + mode_name(head.mode) + ") could be granted but waits";
  }
  return std::nullopt;
}

class replicated_state final : public sim::checker {
 public:
  explicit replicated_state(std::uint32_t servers) : seen_(servers) {}
  std::string_view name() const override { return "lock.replicated_state"; }
  sim::checker_kind kind() const override { return sim::checker_kind::invariant; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<replicated_state>(*this); }
  std::optional<std::string> check_delta(const sim::world& state) override {
    for (std::uint32_t server = 0; server < seen_.size(); ++server) {
      const lock_table* table = table_of(state, server);
      if (table == nullptr) continue;
      // A restarted replica applies its log again from its snapshot: what
      // it showed before says nothing of the order it shows now.
      const std::uint64_t applied = state.actor_as<raft::raft_server>({server, 0})->applied_index();
      if (applied < seen_[server].applied) seen_[server] = replica{};
      seen_[server].applied = applied;
      const std::uint64_t hash = table->state_hash();
      if (hash == seen_[server].hash) continue;
      const std::string who = state.process(server).name;
      if (auto problem = check_table(*table, who)) return problem;
      if (auto problem = check_new_holders(*table, seen_[server], who)) return problem;
      seen_[server].hash = hash;
    }
    return std::nullopt;
  }

 private:
  struct replica {
    std::uint64_t hash = 0;
    std::uint64_t applied = 0;
    // Per lock: the table as last seen, the tokens seen and the newest.
    std::map<std::string, lock_entry> before;
    std::map<std::string, std::set<std::uint64_t>> tokens;
    std::map<std::string, std::uint64_t> newest;
  };

  // A holder that was not there before got a token newer than any this
  // replica showed for the lock, and no request that was ahead of it in the
  // queue and conflicts with it is still waiting (no barging).
  std::optional<std::string> check_new_holders(const lock_table& table, replica& seen, const std::string& who) {
    for (const auto& [name, lock] : table.locks()) {
      auto& tokens = seen.tokens[name];
      std::uint64_t& newest = seen.newest[name];
      for (const lock_holder& holder : lock.holders) {
        if (tokens.count(holder.token) != 0) continue;
        if (holder.token < newest) {
          return "tokens: " + who + " granted " + name + " with token " + std::to_string(holder.token) +
                 ", older than token " + std::to_string(newest) + " it granted before";
        }
        tokens.insert(holder.token);
        newest = holder.token;
        if (auto problem = check_fifo(seen.before[name], lock, holder, who + "'s lock " + name)) return problem;
      }
      seen.before[name] = lock;
    }
    return std::nullopt;
  }

  // An upgrade passes no one (the queue waits for its holder anyway); any
  // other grant comes after every conflicting request queued before it.
  static std::optional<std::string> check_fifo(const lock_entry& before, const lock_entry& lock,
                                               const lock_holder& granted, const std::string& where) {
    const bool upgrade = std::any_of(before.holders.begin(), before.holders.end(),
                                     [&](const lock_holder& holder) { return holder.client == granted.client; });
    if (upgrade) return std::nullopt;
    for (const lock_waiter& ahead : before.queue) {
      if (ahead.client == granted.client) return std::nullopt;  // reached the granted request
      if (!conflicts(ahead.mode, granted.mode)) continue;
      const bool still_waiting = std::any_of(lock.queue.begin(), lock.queue.end(), [&](const lock_waiter& waiter) {
        return waiter.request == ahead.request;
      });
      if (still_waiting) {
        return "fifo: " + where + " was granted to client " + std::to_string(granted.client) + " past client " +
               std::to_string(ahead.client) + "'s earlier conflicting request";
      }
    }
    return std::nullopt;
  }

  std::vector<replica> seen_;
};

// No false deadlock: no replica aborted a request that was on no cycle.
// Every deadlock broken: no cycle on the leader's table lasts longer than
// the bound (detection period plus commit latency, with room).
class deadlock_checker final : public sim::checker {
 public:
  deadlock_checker(std::uint32_t servers, sim::time_ns bound_ns) : servers_(servers), bound_ns_(bound_ns) {}
  std::string_view name() const override { return "lock.deadlock"; }
  sim::checker_kind kind() const override { return sim::checker_kind::invariant; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<deadlock_checker>(*this); }
  std::optional<std::string> check_delta(const sim::world& state) override {
    const lock_table* leader_table = nullptr;
    for (std::uint32_t server = 0; server < servers_; ++server) {
      const lock_table* table = table_of(state, server);
      if (table == nullptr) continue;
      if (table->false_aborts() > 0) {
        return "false deadlock: " + state.process(server).name +
               " aborted a request that was on no cycle of the wait-for graph";
      }
      const auto* member = state.actor_as<raft::raft_server>({server, 0});
      if (member->current_role() == raft::role::leader) leader_table = table;
    }
    if (leader_table == nullptr || leader_table->state_hash() == last_hash_) return check_age(state);
    last_hash_ = leader_table->state_hash();
    const auto found = find_deadlock(leader_table->views());
    if (!found) {
      cycle_since_.reset();
      return std::nullopt;
    }
    if (!cycle_since_) cycle_since_ = state.now();
    return check_age(state);
  }

 private:
  std::optional<std::string> check_age(const sim::world& state) const {
    if (!cycle_since_ || state.now() - *cycle_since_ <= bound_ns_) return std::nullopt;
    return "deadlock not broken: the leader's wait-for graph has had a cycle for more than " +
           sim::format_duration(bound_ns_);
  }

  std::uint32_t servers_;
  sim::time_ns bound_ns_;
  std::uint64_t last_hash_ = 0;
  std::optional<sim::time_ns> cycle_since_;
};

// Fencing, from the history: the resource accepts non-decreasing tokens
// per lock, and no two clients were ever granted the same token.
class fencing final : public sim::checker {
 public:
  std::string_view name() const override { return "lock.fencing"; }
  sim::checker_kind kind() const override { return sim::checker_kind::history; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<fencing>(*this); }
  std::optional<std::string> check_end(const sim::world& state) override {
    std::map<std::string, std::uint64_t> newest;
    std::map<std::uint64_t, sim::process_id> granted;
    for (const sim::history_event& item : state.history()) {
      const sim::history_record& record = item.record;
      if (record.operation == "write" && record.type == sim::history_type::ok) {
        const std::uint64_t token = std::stoull(record.value);
        if (token < newest[record.key]) return "the resource accepted a stale token on " + record.key;
        newest[record.key] = token;
      }
      if (record.operation == "acquire" && record.type == sim::history_type::ok) {
        const std::uint64_t token = std::stoull(record.value.substr(8));
        const auto [known, inserted] = granted.emplace(token, item.process);
        if (!inserted && known->second != item.process) {
          return "token " + std::to_string(token) + " was granted to " + state.process(known->second).name +
                 " and to " + state.process(item.process).name;
        }
      }
    }
    return std::nullopt;
  }
};

// Acquire, release and renew, lock by lock, are linearizable against a
// sequential lock (expiry an unobserved event when there are leases).
class lock_linearizable final : public sim::checker {
 public:
  explicit lock_linearizable(bool leases) : leases_(leases) {}
  std::string_view name() const override { return "lock.linearizable"; }
  sim::checker_kind kind() const override { return sim::checker_kind::history; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<lock_linearizable>(*this); }
  std::optional<std::string> check_end(const sim::world& state) override {
    sim::linearizability::history_builder builder;
    std::map<sim::process_id, std::uint64_t> open_calls;
    std::set<std::uint64_t> refused_calls;  // acquires answered busy, timeout or deadlock
    for (const sim::history_event& item : state.history()) {
      if (item.record.operation == "write") continue;  // the resource's records
      const auto time = static_cast<std::uint64_t>(item.index);
      if (item.record.type == sim::history_type::invoke) {
        builder.invoke(item.process, time, item.record.operation, item.record.key, item.record.value);
        open_calls[item.process] = time;
        continue;
      }
      const bool closed =
          builder.complete(item.process, time, item.record.type == sim::history_type::ok, item.record.value);
      if (closed && item.record.type == sim::history_type::fail && item.record.operation == "acquire") {
        refused_calls.insert(open_calls[item.process]);
      }
    }
    // A refused acquire and a renewal of unknown outcome change nothing in
    // the model, so they go before the search: left in, a paused client's
    // long-pending requests multiply it. An acquire never answered stays:
    // it may have been granted, and a later acquire of the same lock by the
    // same client is then answered with that grant's token.
    std::vector<sim::linearizability::operation> operations = builder.finish();
    std::erase_if(operations, [&refused_calls](const sim::linearizability::operation& item) {
      return !item.output_known && (item.function == "renew" || refused_calls.count(item.call) != 0);
    });
    const auto verdict = sim::linearizability::check(operations, lock_model(leases_));
    if (verdict.exhausted) return "the linearizability search ran out of budget on lock " + verdict.key;
    if (!verdict.linearizable) return "acquire and release on lock " + verdict.key + " are not linearizable";
    return std::nullopt;
  }

 private:
  bool leases_;
};

// After the heal, every lock client completes an acquire (granted, or
// refused as busy, timed out or a deadlock's victim): no request waits
// forever and the service answers.
class lock_progress final : public sim::checker {
 public:
  std::string_view name() const override { return "lock.progress"; }
  sim::checker_kind kind() const override { return sim::checker_kind::liveness; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<lock_progress>(*this); }
  bool satisfied(const sim::world& state) override { return missing(state).empty(); }
  std::string unsatisfied_reason(const sim::world& state) const override { return missing(state); }

 private:
  std::string missing(const sim::world& state) const {
    std::set<sim::process_id> answered;
    for (auto item = state.history().rbegin(); item != state.history().rend() && item->time >= state.healed_at(); ++item) {
      if (item->record.operation != "acquire") continue;
      if (item->record.type == sim::history_type::ok || item->record.type == sim::history_type::fail) {
        answered.insert(item->process);
      }
    }
    std::set<sim::process_id> clients;
    for (const sim::history_event& item : state.history()) {
      if (item.record.operation == "acquire") clients.insert(item.process);
    }
    for (sim::process_id client : clients) {
      if (answered.count(client) == 0) return state.process(client).name + " has had no acquire answered since the heal";
    }
    return {};
  }
};

}  // namespace

std::vector<sim::checker_description> lock_checker_descriptions() {
  return {
      {"lock.replicated_state", sim::checker_kind::invariant,
       "on every replica: holders none, one exclusive or shared only; no client holding or waiting twice; the "
       "queue's head granted whenever it can be; tokens unique and growing; grants in FIFO order (no barging)"},
      {"lock.deadlock", sim::checker_kind::invariant,
       "no request aborted off a cycle (no false deadlock); no cycle on the leader's table outlives the bound"},
      {"lock.fencing", sim::checker_kind::history,
       "the resource accepts only non-decreasing tokens per lock; no token granted to two clients"},
      {"lock.linearizable", sim::checker_kind::history,
       "acquire, release and renew are linearizable per lock against a sequential lock (expiry unobserved)"},
      {"lock.progress", sim::checker_kind::liveness, "after the heal, every client gets an acquire answered"},
  };
}

std::vector<std::unique_ptr<sim::checker>> make_lock_checkers(const sim::cluster_shape& shape,
                                                             sim::time_ns deadlock_bound_ns, bool leases) {
  std::vector<std::unique_ptr<sim::checker>> result;
  result.push_back(std::make_unique<replicated_state>(shape.servers));
  result.push_back(std::make_unique<deadlock_checker>(shape.servers, deadlock_bound_ns));
  result.push_back(std::make_unique<fencing>());
  result.push_back(std::make_unique<lock_linearizable>(leases));
  result.push_back(std::make_unique<lock_progress>());
  return result;
}

}  // namespace protocols::lock
