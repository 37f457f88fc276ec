// raft.log_safety: log matching (chain hashes per (index, term)), leader
// append-only, leader completeness and state machine safety against a ledger
// of every entry any server declared committed. Amortized O(1) per event:
// each server's log and commit index are checked from where they were last.
#include <map>

#include "protocols/raft/raft_server.hpp"
#include "sim/checker.hpp"
#include "sim/linearizability.hpp"
#include "sim/world.hpp"

namespace protocols::raft {
namespace {

class log_safety final : public sim::checker {
 public:
  log_safety(std::uint32_t servers, std::uint16_t group, std::string label)
      : group_(group), label_(std::move(label)), servers_(servers) {}
  std::string_view name() const override { return "raft.log_safety"; }
  sim::checker_kind kind() const override { return sim::checker_kind::invariant; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<log_safety>(*this); }

  std::optional<std::string> check_delta(const sim::world& state) override {
    if (auto problem = check_servers(state)) return label_ + *problem;
    return std::nullopt;
  }

 private:
  std::optional<std::string> check_servers(const sim::world& state) {
    for (std::uint32_t server = 0; server < servers_.size(); ++server) {
      const auto* actor = state.actor_as<raft_server>({server, group_});
      if (actor == nullptr) continue;
      const std::string who = state.process(server).name;
      if (auto problem = check_matching(*actor, servers_[server], who)) return problem;
      if (auto problem = check_leader(*actor, servers_[server], who)) return problem;
      if (auto problem = check_committed(*actor, servers_[server], who)) return problem;
      if (actor->applied_index() != servers_[server].applied) {
        servers_[server].applied = actor->applied_index();
        if (auto problem = check_applied(*actor, who)) return problem;
      }
    }
    return std::nullopt;
  }

  struct progress {
    std::uint64_t checked = 0;  // log entries verified against the (index, term) map
    std::uint64_t checked_chain = 0;
    std::uint64_t committed = 0;  // commit index verified against the ledger
    std::uint64_t leader_term = 0;  // the term it last led, 0 if none
    std::uint64_t leader_last = 0;
    std::uint64_t leader_chain = 0;
    std::uint64_t applied = 0;
  };

  // Entries from first_index() on are visible (the snapshot's last one by
  // its term and chain); those before it were committed, and were checked
  // against the ledger when they were.
  std::optional<std::string> check_matching(const raft_server& actor, progress& seen, const std::string& who) {
    // A log that changed below the checked point (a truncation, or a
    // snapshot installed over it) is checked again from its commit index:
    // entries up to there may not change.
    std::uint64_t first = seen.checked + 1;
    if (seen.checked < actor.first_index() || seen.checked > actor.last_index() ||
        actor.chain_at(seen.checked) != seen.checked_chain) {
      first = std::max(actor.first_index(), std::min(actor.commit_index(), actor.last_index()));
      if (first == 0 || first > actor.first_index()) first++;
    }
    for (std::uint64_t index = first; index <= actor.last_index(); ++index) {
      const auto [known, inserted] = chains_.emplace(std::make_pair(index, actor.term_at(index)), actor.chain_at(index));
      if (!inserted && known->second != actor.chain_at(index)) {
        return "log matching: " + who + "'s entry " + std::to_string(index) + " of term " +
               std::to_string(actor.term_at(index)) + " ends a prefix that differs from another server's";
      }
    }
    seen.checked = actor.last_index();
    seen.checked_chain = actor.chain_at(seen.checked);
    return std::nullopt;
  }

  std::optional<std::string> check_leader(const raft_server& actor, progress& seen, const std::string& who) {
    if (actor.current_role() != role::leader) {
      seen.leader_term = 0;
      return std::nullopt;
    }
    if (seen.leader_term == actor.term()) {
      // Once compacted, the entries up to seen.leader_last are committed and
      // the ledger vouches for them instead.
      const bool compacted = seen.leader_last < actor.first_index();
      if (actor.last_index() < seen.leader_last ||
          (!compacted && actor.chain_at(seen.leader_last) != seen.leader_chain)) {
        return "leader append-only: " + who + " removed or rewrote entries of its log while leading term " +
               std::to_string(actor.term());
      }
    } else {
      // A new leader holds every entry committed in an earlier term (a stale
      // leader of an old term may lack entries committed in later ones).
      std::uint64_t last = committed_.size();
      while (last > 0 && committed_[last - 1].term >= actor.term()) last--;
      // Below the snapshot, the snapshot's chain covers the prefix; an
      // entry the ledger holds as unknown is compared through an earlier one.
      std::uint64_t compared = std::max(last, actor.first_index());
      while (compared > actor.first_index() && compared <= committed_.size() && !committed_[compared - 1].known) {
        compared--;
      }
      const bool comparable = compared > 0 && compared <= committed_.size() && committed_[compared - 1].known;
      if (last > 0 && (actor.last_index() < last ||
                       (comparable && actor.chain_at(compared) != committed_[compared - 1].chain))) {
        return "leader completeness: " + who + " leads term " + std::to_string(actor.term()) +
               " without entry " + std::to_string(last) + ", committed in term " +
               std::to_string(committed_[last - 1].term);
      }
    }
    seen.leader_term = actor.term();
    seen.leader_last = actor.last_index();
    seen.leader_chain = actor.chain_at(seen.leader_last);
    return std::nullopt;
  }

  // A server may commit entries and compact them in one step; the ledger
  // then holds them as unknown, and the snapshot's chain, which covers
  // them, is what is compared. Another server showing one fills it in.
  std::optional<std::string> check_committed(const raft_server& actor, progress& seen, const std::string& who) {
    if (actor.commit_index() < seen.committed) seen.committed = actor.commit_index();  // restarted
    std::uint64_t index = seen.committed + 1;
    for (; index < actor.first_index(); ++index) {
      if (index > committed_.size()) committed_.push_back({0, actor.term(), false});
    }
    for (; index <= actor.commit_index(); ++index) {
      if (index > committed_.size()) {
        committed_.push_back({actor.chain_at(index), actor.term(), true});
        continue;
      }
      committed_entry& known = committed_[index - 1];
      if (!known.known) {
        known.chain = actor.chain_at(index);
        known.known = true;
      } else if (known.chain != actor.chain_at(index)) {
        return "state machine safety: " + who + " committed a different entry " + std::to_string(index) +
               " than was committed before";
      }
    }
    seen.committed = actor.commit_index();
    return std::nullopt;
  }

  // Replicas that applied the same prefix hold the same state.
  std::optional<std::string> check_applied(const raft_server& actor, const std::string& who) {
    if (actor.applied_index() == 0) return std::nullopt;
    const auto [known, inserted] = applied_states_.emplace(actor.applied_index(), actor.state_machine_hash());
    if (!inserted && known->second != actor.state_machine_hash()) {
      return "state machine safety: " + who + "'s state after applying " + std::to_string(actor.applied_index()) +
             " entries differs from another replica's";
    }
    return std::nullopt;
  }

  std::uint16_t group_;
  std::string label_;  // "group 2: " when there are several, else ""
  std::vector<progress> servers_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> chains_;
  struct committed_entry {
    std::uint64_t chain = 0;
    std::uint64_t term = 0;  // the term of the server first seen committing it
    bool known = true;       // false while every server seen committing it had compacted it
  };
  std::vector<committed_entry> committed_;  // per committed index
  std::map<std::uint64_t, std::uint64_t> applied_states_;
};

// The client history is linearizable, key by key, against a register.
class linearizable_history final : public sim::checker {
 public:
  std::string_view name() const override { return "raft.linearizable"; }
  sim::checker_kind kind() const override { return sim::checker_kind::history; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<linearizable_history>(*this); }
  std::optional<std::string> check_end(const sim::world& state) override {
    sim::linearizability::history_builder builder;
    for (const sim::history_event& item : state.history()) {
      const auto time = static_cast<std::uint64_t>(item.index);
      if (item.record.type == sim::history_type::invoke) {
        builder.invoke(item.process, time, item.record.operation, item.record.key, item.record.value);
      } else {
        builder.complete(item.process, time, item.record.type == sim::history_type::ok, item.record.value);
      }
    }
    const auto operations = builder.finish();
    const auto verdict = sim::linearizability::check(operations, sim::linearizability::register_model());
    if (verdict.exhausted) return "the linearizability search ran out of budget on key " + verdict.key;
    if (!verdict.linearizable) return "the client history is not linearizable on key " + verdict.key;
    return std::nullopt;
  }
};

// After the heal, one leader holds its term for `stable_ns` and client
// operations complete again. Requiring a stable leader, not merely some
// leader, is what tells a cluster that keeps electing (a server behind a
// flaky link deposing every leader) from one that serves.
class progress_after_heal final : public sim::checker {
 public:
  progress_after_heal(sim::time_ns stable_ns, std::uint16_t group, std::uint16_t groups, std::string label)
      : stable_ns_(stable_ns), group_(group), groups_(groups), label_(std::move(label)) {}
  std::string_view name() const override { return "raft.progress"; }
  sim::checker_kind kind() const override { return sim::checker_kind::liveness; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<progress_after_heal>(*this); }
  bool satisfied(const sim::world& state) override {
    track_leader(state);
    return missing(state).empty();
  }
  std::string unsatisfied_reason(const sim::world& state) const override { return label_ + missing(state); }

 private:
  void track_leader(const sim::world& state) {
    std::int64_t leader = -1;
    std::uint64_t term = 0;
    for (std::uint32_t server = 0; server < state.config().servers; ++server) {
      const auto* actor = state.actor_as<raft_server>({server, group_});
      if (actor == nullptr || actor->current_role() != role::leader || actor->term() < term) continue;
      leader = server;
      term = actor->term();
    }
    if (leader != leader_ || term != term_) {
      leader_ = leader;
      term_ = term;
      since_ns_ = state.now();
      leaders_seen_++;
    }
  }

  std::string missing(const sim::world& state) const {
    if (leader_ < 0) return "no leader (" + std::to_string(leaders_seen_) + " leadership changes since the heal)";
    if (state.now() - since_ns_ < stable_ns_) {
      return "no leader held its term for " + sim::format_duration(stable_ns_) + " (" +
             std::to_string(leaders_seen_) + " leadership changes since the heal)";
    }
    if (state.config().clients == 0) return {};
    const auto& history = state.history();
    for (auto item = history.rbegin(); item != history.rend() && item->time >= state.healed_at(); ++item) {
      if (item->record.type == sim::history_type::ok && group_of(item->record.key) == group_) return {};
    }
    return "no client operation completed since the heal";
  }

  // Keys are "k<number>"; the client sends key k to group k mod groups.
  std::uint16_t group_of(const std::string& key) const {
    SYNCSIM_ASSERT(key.size() > 1 && key[0] == 'k');
    return static_cast<std::uint16_t>(std::stoull(key.substr(1)) % groups_);
  }

  sim::time_ns stable_ns_;
  std::uint16_t group_;
  std::uint16_t groups_;
  std::string label_;
  std::int64_t leader_ = -1;
  std::uint64_t term_ = 0;
  sim::time_ns since_ns_ = 0;
  std::uint64_t leaders_seen_ = 0;
};

}  // namespace

std::unique_ptr<sim::checker> make_log_checker(std::uint32_t servers, std::uint16_t group, const std::string& label) {
  return std::make_unique<log_safety>(servers, group, label);
}
std::unique_ptr<sim::checker> make_history_checker() { return std::make_unique<linearizable_history>(); }
std::unique_ptr<sim::checker> make_progress_checker(sim::time_ns stable_ns, std::uint16_t group, std::uint16_t groups,
                                                    const std::string& label) {
  return std::make_unique<progress_after_heal>(stable_ns, group, groups, label);
}

}  // namespace protocols::raft
