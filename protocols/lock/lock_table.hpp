#pragma once
// The lock manager's replicated state machine (the seed's lock service, on
// Raft): shared and exclusive locks with FIFO wait queues and no barging,
// upgrade and downgrade, try-lock, waits with a timeout, leases with renewal,
// fencing tokens from the Raft index of the grant, client sessions, and
// deadlock aborts. Time never enters apply: lease expiry, wait timeouts and
// aborts are commands the leader proposes from its own clock and its own
// look at the wait-for graph, and apply checks them again.
//
// Commands (log entries):
//   acquire LOCK S|X WAIT_NS LEASE_NS   from a client; WAIT_NS 0 is a try-lock
//   release LOCK TOKEN                  from a client
//   renew LOCK TOKEN LEASE_NS           from a client
//   expire LOCK CLIENT TOKEN RENEWED    from the leader: the lease ran out
//   timeout LOCK CLIENT REQUEST         from the leader: the wait ran out
//   abort LOCK CLIENT REQUEST           from the leader: a deadlock's victim
// Replies: "granted TOKEN", "busy", "timeout", "deadlock", "released",
// "renewed", "not-holder".

#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocols/lock/wait_for_graph.hpp"
#include "protocols/raft/state_machine.hpp"

namespace protocols::lock {

// INVARIANTS.md, lock manager, bugs 1 to 9; lock_system.cpp names them.
struct lock_bugs {
  bool exclusive_beside_shared = false;  // 1
  bool no_session_dedup = false;         // 2
  bool token_per_leader = false;         // 3
  bool local_clock_expiry = false;       // 4
  bool follower_grants = false;          // 5 (in the server's admission)
  bool renew_without_token = false;      // 6
  bool barging = false;                  // 7
  bool no_waiter_edges = false;          // 8
  bool abort_unverified = false;         // 9
  friend bool operator==(const lock_bugs&, const lock_bugs&) = default;
};

struct lock_holder {
  std::uint64_t client = 0;
  lock_mode mode = lock_mode::shared;
  std::uint64_t token = 0;
  std::uint64_t renewed = 0;  // the index of the grant or of the latest renewal
  sim::time_ns lease_ns = 0;
  friend bool operator==(const lock_holder&, const lock_holder&) = default;
};

struct lock_waiter {
  std::uint64_t client = 0;
  std::uint64_t sequence = 0;
  std::uint64_t request = 0;  // the index of the acquire
  lock_mode mode = lock_mode::shared;
  sim::time_ns wait_ns = 0;
  sim::time_ns lease_ns = 0;
  friend bool operator==(const lock_waiter&, const lock_waiter&) = default;
};

struct lock_entry {
  std::vector<lock_holder> holders;
  std::vector<lock_waiter> queue;  // FIFO
  friend bool operator==(const lock_entry&, const lock_entry&) = default;
};

struct lock_session {
  std::uint64_t sequence = 0;
  std::string result;  // empty while the request waits
  friend bool operator==(const lock_session&, const lock_session&) = default;
};

// How often the leader looks for deadlocks, and how long it waits before
// proposing the same command again when the first did not apply.
struct lock_timing {
  sim::time_ns detection_period_ns = 50 * sim::millisecond;
  sim::time_ns repropose_ns = 300 * sim::millisecond;
  friend bool operator==(const lock_timing&, const lock_timing&) = default;
};

class lock_table final : public raft::state_machine {
 public:
  lock_table(const lock_bugs& bugs, const lock_timing& timing) : bugs_(bugs), timing_(timing) {}
  std::unique_ptr<raft::state_machine> clone() const override { return std::make_unique<lock_table>(*this); }
  bool equals(const raft::state_machine& other) const override;
  std::uint64_t state_hash() const override;
  std::uint64_t fingerprint() const override;
  raft::admission admit(const raft::client_request& request, std::string& answer) const override;
  void apply(std::uint64_t index, const raft::log_entry& entry, sim::time_ns now,
             std::vector<raft::machine_reply>& replies) override;
  std::string read(const std::string& command) const override;
  std::vector<std::string> propose(sim::time_ns now) override;
  std::optional<std::string> answer_locally(const raft::client_request& request) const override;
  void on_leadership(bool leading, sim::time_ns now) override;
  sim::bytes encode() const override;
  void load(const sim::bytes& state, sim::time_ns now) override;

  // What checkers and the renderer read.
  const std::map<std::string, lock_entry>& locks() const { return locks_; }
  const std::map<std::uint64_t, lock_session>& sessions() const { return sessions_; }
  std::uint64_t last_token() const { return last_token_; }
  // Aborts this replica applied to a request that was on no cycle of the
  // wait-for graph at that index (a false deadlock), whatever its bug
  // switches: an audit for lock.deadlock, not part of the state.
  std::uint64_t false_aborts() const { return false_aborts_; }
  std::vector<lock_view> views() const;

 private:
  void apply_command(std::uint64_t index, const raft::log_entry& entry, sim::time_ns now,
                     std::vector<raft::machine_reply>& replies);
  std::uint64_t compute_hash() const;
  struct context {
    std::uint64_t index;
    sim::time_ns now;
    std::vector<raft::machine_reply>& replies;
    std::uint32_t grants = 0;  // grants made by this entry, for unique tokens
  };
  void acquire(context& at, const raft::log_entry& entry, std::istringstream& words);
  void release(context& at, const raft::log_entry& entry, std::istringstream& words);
  void renew(context& at, const raft::log_entry& entry, std::istringstream& words);
  void expire(context& at, std::istringstream& words);
  void remove_waiter(context& at, std::istringstream& words, const char* outcome, bool verify_cycle);
  void grant_waiters(context& at, const std::string& name);
  void abandon_waiting(context& at, std::uint64_t client);
  bool compatible(const lock_entry& lock, std::uint64_t client, lock_mode mode) const;
  void grant(context& at, const std::string& name, std::uint64_t client, std::uint64_t sequence, lock_mode mode,
             sim::time_ns lease_ns);
  std::uint64_t next_token(context& at);
  void answer(context& at, std::uint64_t client, std::uint64_t sequence, const std::string& result);
  void expire_by_local_clock(context& at);
  bool on_cycle(const std::string& name, std::uint64_t client, std::uint64_t request, bool waiter_edges) const;
  void propose_expiries(sim::time_ns now, std::vector<std::string>& commands);
  void propose_timeouts(sim::time_ns now, std::vector<std::string>& commands);
  void propose_abort(sim::time_ns now, std::vector<std::string>& commands);
  bool worth_proposing(const std::string& command, sim::time_ns now);

  lock_bugs bugs_;
  lock_timing timing_;
  // Replicated.
  std::map<std::string, lock_entry> locks_;
  std::map<std::uint64_t, lock_session> sessions_;
  std::uint64_t last_token_ = 0;
  // Local to this replica: when it applied each grant or renewal (by lock
  // and client) and each wait (by request), which is what its leases and
  // waits are measured from; the commands it proposed and when; its last
  // deadlock search.
  std::map<std::pair<std::string, std::uint64_t>, sim::time_ns> lease_since_;
  std::map<std::uint64_t, sim::time_ns> wait_since_;
  std::map<std::string, sim::time_ns> proposed_;
  sim::time_ns detected_at_ = 0;
  std::uint64_t leader_tokens_ = 0;  // raft's index is not used under lock.token_per_leader
  std::uint64_t false_aborts_ = 0;
  mutable std::optional<std::uint64_t> hash_cache_;  // state_hash(), until the next apply or load
};

}  // namespace protocols::lock
