#pragma once
// A Raft server as a value-type actor (anchor: etcd-io/raft's raft.go).
// Role changes go through become_follower/candidate/leader, which reset the
// role's volatile state. Term, vote and log are durable before any message
// that depends on them leaves: every such write is synchronous, and the
// kernel holds later sends until the fsync completes.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocols/raft/raft_messages.hpp"
#include "protocols/raft/state_machine.hpp"
#include "sim/actor.hpp"

namespace protocols::raft {

// The bug switches of INVARIANTS.md (Raft, 1 to 11), each off unless a
// scenario or --bug turns it on; raft_system.cpp names them.
struct raft_bugs {
  bool commit_previous_term = false;      // 1
  bool forget_vote = false;               // 2
  bool forget_term = false;               // 3
  bool split_term_and_vote = false;       // 4
  bool clear_vote_on_step_down = false;   // 5
  bool count_duplicate_votes = false;     // 6
  bool count_stale_votes = false;         // 7
  bool no_log_check = false;              // 8
  bool truncate_on_stale_append = false;  // 9
  bool read_without_quorum = false;       // 10
  bool no_prevote = false;                // 11: neither PreVote nor CheckQuorum
  friend bool operator==(const raft_bugs&, const raft_bugs&) = default;
};

struct raft_options {
  sim::time_ns election_timeout_min_ns = 150 * sim::millisecond;
  sim::time_ns election_timeout_max_ns = 300 * sim::millisecond;
  sim::time_ns heartbeat_ns = 50 * sim::millisecond;
  std::uint32_t batch_max = 64;     // entries per AppendEntries
  std::uint32_t window_max = 256;  // entries in flight beyond a follower's match
  // Multi-Raft: independent groups, each with a member on every server (as
  // actor instance `group`); a key belongs to group (key number mod groups).
  std::uint16_t groups = 1;
  // Membership: the first `members` servers vote at first (0: all of them);
  // the others are learners that replicate the log. A leader removes a
  // voter it has not heard from for `member_timeout` and promotes a learner
  // that answers and has caught up, one server per change (thesis 4.1);
  // 0 never changes membership.
  std::uint32_t members = 0;
  sim::time_ns member_timeout_ns = 0;
  std::uint32_t members_min = 3;  // automatic removal stops at this many voters
  // Log compaction: a server snapshots its state machine and drops the log
  // prefix once this many applied entries follow its last snapshot; 0 never.
  std::uint32_t snapshot_entries = 0;
  // A new leader appends a no-op of its term (section 8), which commits the
  // entries of earlier terms it holds and lets it serve reads. Without it
  // (the paper's Figure 2 alone), earlier entries wait for a client's.
  bool leader_noop = true;
  // A request a follower forwarded is answered back through that follower,
  // which relays the reply (the seed's flow); otherwise the leader answers
  // the client directly.
  bool relay_replies = false;
  raft_bugs bugs;
  friend bool operator==(const raft_options&, const raft_options&) = default;
};

enum class role : std::uint8_t { follower, pre_candidate, candidate, leader };
enum raft_timer : std::uint64_t { election_timer = 1, heartbeat_timer = 2, check_quorum_timer = 3 };

// A membership entry: "config MASK", a bit per voting server.
inline constexpr const char* config_prefix = "config ";
bool is_configuration(const log_entry& entry);

// The chain hash of a log prefix: h(previous prefix, this entry). Equal
// chain hashes at an index mean equal prefixes (log matching, cheaply).
std::uint64_t entry_chain(std::uint64_t previous, const log_entry& entry);

// A linearizable read waiting at the leader (ReadIndex, thesis 6.4): it is
// served once a majority has echoed a heartbeat round started after it
// arrived, and the state machine has applied its read index.
struct pending_read {
  std::uint64_t client = 0;
  std::uint64_t sequence = 0;
  std::string command;
  std::uint64_t round = 0;
  std::uint64_t read_index = 0;  // 0 until the leader has committed in its term
  friend bool operator==(const pending_read&, const pending_read&) = default;
};

class raft_server final : public sim::actor_value<raft_server> {
 public:
  raft_server(const raft_options& options, std::uint16_t group, std::unique_ptr<state_machine> machine)
      : options_(options), group_(group), machine_(std::move(machine)) {}
  void on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) override;
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override;
  void on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) override;
  bool has_role(std::string_view name) const override { return name == "leader" && role_ == role::leader; }

  // What the checkers read.
  raft::role current_role() const { return role_; }
  std::uint16_t group() const { return group_; }
  std::uint64_t term() const { return term_; }
  std::int64_t voted_for() const { return voted_for_; }
  // The log holds entries first_index() + 1 to last_index(); entries up to
  // first_index() are compacted into the snapshot, whose last entry's term
  // and chain hash are still known, so term_at and chain_at accept indices
  // from first_index() on.
  std::uint64_t first_index() const { return snapshot_.index; }
  std::uint64_t last_index() const { return snapshot_.index + log_.size(); }
  std::uint64_t term_at(std::uint64_t index) const {
    SYNCSIM_ASSERT(index >= first_index());
    return index == first_index() ? snapshot_.term : entry_at(index).term;
  }
  // Chain hash of the log prefix ending at `index` (0: the empty prefix).
  std::uint64_t chain_at(std::uint64_t index) const {
    SYNCSIM_ASSERT(index >= first_index());
    return index == first_index() ? snapshot_.chain : chain_.at(index - first_index() - 1);
  }
  std::uint64_t commit_index() const { return commit_; }
  std::uint64_t applied_index() const { return applied_; }
  // The replicated state machine's hash, equal on replicas that applied the
  // same entries.
  std::uint64_t state_machine_hash() const { return machine_->state_hash(); }
  const state_machine& machine() const { return *machine_; }
  // The voting members, a bit per server, from the latest configuration
  // entry in the log (committed or not), else the initial one.
  std::uint64_t configuration() const { return config_; }

  std::uint64_t hash_value() const;
  friend bool operator==(const raft_server&, const raft_server&) = default;

 private:
  // Roles.
  void become_follower(const sim::step_context& context, std::uint64_t term, std::int64_t leader, sim::effects& out);
  void become_candidate(const sim::step_context& context, sim::effects& out);
  void become_leader(const sim::step_context& context, sim::effects& out);
  void become_pre_candidate(const sim::step_context& context, sim::effects& out);
  void reset_election_timer(const sim::step_context& context, sim::effects& out) const;
  void persist_hard_state(sim::effects& out) const;
  void restore(const sim::disk_state& disk, sim::time_ns now);
  void restore_log(const std::vector<sim::bytes>& records);
  const log_entry& entry_at(std::uint64_t index) const { return log_.at(index - first_index() - 1); }
  std::string disk_key(const char* name) const;
  bool prevote_enabled() const { return !options_.bugs.no_prevote; }
  // Elections.
  void on_request_vote(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  void on_vote(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  void on_pre_vote(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  void on_pre_vote_response(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  bool count_vote(std::uint32_t voter);
  bool log_up_to_date(std::uint64_t last_term, std::uint64_t last_index) const;
  bool in_leader_lease(const sim::step_context& context) const;
  void check_quorum(const sim::step_context& context, sim::effects& out);
  // Membership.
  bool is_quorum(std::uint64_t servers) const;
  bool is_member(std::uint32_t server) const { return ((config_ >> server) & 1) != 0; }
  void recompute_configuration();
  // The configuration in force at `index` (from first_index() on) and the
  // index of the entry that set it: first_index() for the snapshot's, 0 for
  // the initial configuration.
  std::pair<std::uint64_t, std::uint64_t> configuration_at(std::uint64_t index) const;
  void manage_membership(const sim::step_context& context, sim::effects& out);
  void propose_configuration(const sim::step_context& context, std::uint64_t members, sim::effects& out);
  // Replication.
  bool heed_leader(const sim::step_context& context, sim::address leader, std::uint64_t term, sim::effects& out);
  void on_append_entries(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  void on_append_response(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  void send_append(const sim::step_context& context, std::uint32_t peer, sim::effects& out);
  void broadcast_append(const sim::step_context& context, sim::effects& out);
  void acknowledge_own_log(const sim::step_context& context, sim::effects& out);
  void append_to_log(log_entry entry, sim::effects& out);
  void truncate_log(std::uint64_t length, sim::effects& out);
  void advance_commit(const sim::step_context& context, sim::effects& out);
  // Snapshots.
  void send_snapshot(const sim::step_context& context, std::uint32_t peer, sim::effects& out);
  void on_install_snapshot(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  void take_snapshot(sim::effects& out);
  void drop_log_prefix(std::uint64_t index, sim::effects& out, bool synchronous);

  // Client requests and the state machine.
  void propose_commands(const sim::step_context& context, sim::effects& out);
  void send_replies(sim::effects& out);
  void reply_to_client(std::uint64_t client, const client_reply& reply, sim::effects& out);
  void on_client_request(const sim::step_context& context, const sim::envelope& message, sim::effects& out);
  // ReadIndex reads.
  void start_read(const sim::step_context& context, const client_request& request, sim::effects& out);
  void serve_reads(const sim::step_context& context, sim::effects& out);
  bool round_confirmed(std::uint64_t round) const;
  void abandon_reads(sim::effects& out);
  void apply_committed(const sim::step_context& context, sim::effects& out);

  raft_options options_;
  std::uint16_t group_ = 0;
  std::uint32_t self_ = 0;
  std::uint32_t servers_ = 0;
  // Durable: term, vote, snapshot and log (chain_ is derived from the log).
  std::uint64_t term_ = 0;
  std::int64_t voted_for_ = -1;
  snapshot snapshot_;
  std::vector<log_entry> log_;  // entries first_index() + 1 to last_index()
  std::vector<std::uint64_t> chain_;
  // The log on disk is a list whose first record holds entry
  // disk_log_offset_ + 1; it may still hold entries the snapshot covers.
  std::uint64_t disk_log_offset_ = 0;
  // Set by restore when the list on disk does not continue the snapshot (a
  // crash cut an install short): the list length to truncate to at start.
  std::optional<std::uint64_t> disk_log_repair_;
  // Volatile.
  raft::role role_ = role::follower;
  std::int64_t leader_ = -1;
  std::uint64_t commit_ = 0;
  std::uint64_t applied_ = 0;
  std::uint64_t votes_ = 0;  // bit per server that granted its (pre-)vote
  std::uint32_t vote_count_ = 0;  // what raft.count_duplicate_votes counts instead
  // The local time this server last heard from a leader of its term; a
  // server in the lease refuses PreVotes and ignores RequestVotes.
  sim::time_ns leader_contact_ns_ = 0;
  std::uint64_t active_ = 0;  // CheckQuorum: bit per peer heard from this period
  std::vector<std::uint64_t> next_;
  std::vector<std::uint64_t> match_;
  std::uint64_t probing_ = 0;
  std::uint64_t config_ = 0;        // derived from the log, as chain_ is
  std::uint64_t config_index_ = 0;  // the log index of that configuration, 0 for the initial one
  std::vector<sim::time_ns> heard_ns_;  // leader: when each follower last answered  // bit per follower the leader probes rather than pipelines to
  std::uint64_t read_round_ = 0;
  std::vector<std::uint64_t> acked_round_;
  std::vector<pending_read> reads_;
  // The state machine, rebuilt from the snapshot and the log after a restart.
  machine_box machine_;
  std::vector<machine_reply> replies_;  // scratch, empty between steps
  std::map<std::uint64_t, std::uint32_t> relays_;  // leader, relay_replies: client -> the follower that forwarded
};

}  // namespace protocols::raft
