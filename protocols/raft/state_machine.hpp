#pragma once
// What Raft replicates: a deterministic state machine that applies committed
// commands in log order. Raft's server owns consensus; the machine owns the
// meaning of commands, client sessions, and what a leader proposes on its
// own (a lock manager's lease expiries and deadlock aborts). The key-value
// store (kv_store.hpp) and the lock table (protocols/lock) are two.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocols/raft/raft_messages.hpp"
#include "sim/time.hpp"

namespace protocols::raft {

// A reply the machine asks its server to send; only a leader sends them.
struct machine_reply {
  std::uint64_t client = 0;
  std::uint64_t sequence = 0;
  std::string result;
  friend bool operator==(const machine_reply&, const machine_reply&) = default;
};

// What the leader does with a client's request.
enum class admission : std::uint8_t {
  append,    // a new command: into the log
  read,      // a read: served by ReadIndex, never logged
  answered,  // applied already: the answer is the session's result
  ignore,    // an older retry, or one whose answer will come when it applies
};

class state_machine {
 public:
  virtual ~state_machine() = default;
  virtual std::unique_ptr<state_machine> clone() const = 0;
  virtual bool equals(const state_machine& other) const = 0;
  // Equal on replicas that applied the same entries, kept up to date as the
  // state changes so that reading it costs nothing. Volatile, local state
  // (when this server saw something happen) is not part of it.
  virtual std::uint64_t state_hash() const = 0;
  // Everything, local state included, for the world's fingerprint.
  virtual std::uint64_t fingerprint() const = 0;

  // At the leader: what to do with a request; `answer` is set for answered.
  virtual admission admit(const client_request& request, std::string& answer) const = 0;
  // A committed entry with a command (never a no-op or a configuration),
  // at log index `index`, applied at this server's local time `now`.
  virtual void apply(std::uint64_t index, const log_entry& entry, sim::time_ns now,
                     std::vector<machine_reply>& replies) = 0;
  // A read admitted as such, against the applied state.
  virtual std::string read(const std::string& command) const = 0;
  // Commands the leader proposes on its own at its local time `now`, at
  // each heartbeat; entries the machine proposed have client 0.
  virtual std::vector<std::string> propose(sim::time_ns now) = 0;
  // At a follower, before it forwards a request to the leader: an answer it
  // gives on its own instead. Correct machines give none; the lock
  // manager's bug lock.follower_grants does.
  virtual std::optional<std::string> answer_locally(const client_request&) const { return std::nullopt; }
  // The leader changed (this server became leader, or stopped being it).
  virtual void on_leadership(bool leading, sim::time_ns now) = 0;

  // Snapshots: the replicated state (not the local one) as bytes, and back;
  // load happens at a restart or an install, at local time `now`.
  virtual sim::bytes encode() const = 0;
  virtual void load(const sim::bytes& state, sim::time_ns now) = 0;
};

// Value semantics over a state_machine, so that a server stays a copyable,
// comparable value.
class machine_box {
 public:
  explicit machine_box(std::unique_ptr<state_machine> value) : value_(std::move(value)) {}
  machine_box(const machine_box& other) : value_(other.value_->clone()) {}
  machine_box& operator=(const machine_box& other) {
    if (this != &other) value_ = other.value_->clone();
    return *this;
  }
  machine_box(machine_box&&) noexcept = default;
  machine_box& operator=(machine_box&&) noexcept = default;
  state_machine& operator*() const { return *value_; }
  state_machine* operator->() const { return value_.get(); }
  friend bool operator==(const machine_box& left, const machine_box& right) {
    return left.value_->equals(*right.value_);
  }

 private:
  std::unique_ptr<state_machine> value_;
};

}  // namespace protocols::raft
