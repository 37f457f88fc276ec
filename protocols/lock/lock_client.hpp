#pragma once
// A lock manager client running transactions: it acquires a few locks one
// at a time, holds them while it renews their leases and writes to the
// protected resource with its fencing tokens, then releases them. A
// transaction that meets "busy", "timeout" or "deadlock" gives up, releasing
// what it holds. Requests go to the believed leader (or to a follower, which
// forwards them), retried with the same sequence number on a timeout.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/actor.hpp"

namespace protocols::lock {

enum class lock_workload_kind : std::uint8_t {
  random,      // locks in random order: deadlocks happen
  ordered,     // locks in name order: no deadlock can form
  conversion,  // shared, then an upgrade to exclusive on the same lock
};

struct lock_workload {
  lock_workload_kind kind = lock_workload_kind::random;
  std::uint32_t locks = 4;                // the lock names are l0, l1, ...
  std::uint32_t locks_per_transaction_max = 2;
  std::uint32_t shared_percent = 30;      // the rest exclusive
  std::uint32_t try_percent = 10;         // try-locks, which never wait
  sim::time_ns think_ns = 20 * sim::millisecond;  // between transactions
  sim::time_ns hold_ns = 30 * sim::millisecond;
  sim::time_ns wait_ns = 500 * sim::millisecond;  // an acquire's wait timeout
  sim::time_ns lease_ns = 400 * sim::millisecond;
  sim::time_ns request_timeout_ns = 300 * sim::millisecond;  // beyond the wait, for an acquire
  std::uint32_t attempts = 4;
  bool resource = true;  // the last client process is the protected resource
  // The share of acquires sent to a server other than the believed leader,
  // which forwards them (the seed's follower path); their invokes say so.
  std::uint32_t via_follower_percent = 0;
  bool latency_report = false;  // the run's summary ends with the latency table
  // At most this many transactions per client in the safety phase (0: no
  // limit); the client resumes after the heal, so liveness is still asked
  // of a working system. `syncsim shrink` lowers it.
  std::uint64_t transactions_max = 0;
  sim::time_ns safety_end_ns = 0;
  friend bool operator==(const lock_workload&, const lock_workload&) = default;
};

enum lock_client_timer : std::uint64_t { think_timer = 1, request_timer = 2, hold_timer = 3, renew_timer = 4 };

class lock_client final : public sim::actor_value<lock_client> {
 public:
  lock_client(const lock_workload& workload, std::int64_t resource) : workload_(workload), resource_(resource) {}
  void on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) override;
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override;
  void on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) override;

  std::uint64_t transactions_completed() const { return completed_; }
  std::uint64_t hash_value() const;
  friend bool operator==(const lock_client&, const lock_client&) = default;

 private:
  struct step {
    std::string lock;
    bool exclusive = false;
    bool try_only = false;
    friend bool operator==(const step&, const step&) = default;
  };
  struct held {
    std::string lock;
    bool exclusive = false;
    std::uint64_t token = 0;
    friend bool operator==(const held&, const held&) = default;
  };
  enum class phase : std::uint8_t { idle, acquiring, holding, renewing, releasing };

  void start_transaction(const sim::step_context& context, sim::effects& out);
  void plan_transaction(const sim::step_context& context);
  void next_step(const sim::step_context& context, sim::effects& out);
  void request(const sim::step_context& context, const std::string& function, const std::string& key,
               const std::string& value, const std::string& command, sim::effects& out);
  void send(const sim::step_context& context, sim::effects& out);
  bool gave_up(const sim::step_context& context) const;
  void on_answer(const sim::step_context& context, bool ok, const std::string& result, sim::effects& out);
  void start_holding(const sim::step_context& context, sim::effects& out);
  void write_resource(const sim::step_context& context, sim::effects& out) const;
  void finish_transaction(sim::effects& out);

  lock_workload workload_;
  std::int64_t resource_ = -1;  // the resource's process, or -1
  std::vector<step> plan_;
  std::vector<held> held_;
  std::size_t position_ = 0;  // in plan_ while acquiring, in held_ while renewing or releasing
  phase phase_ = phase::idle;
  bool giving_up_ = false;
  // The request in flight.
  std::uint64_t sequence_ = 0;
  std::string function_;
  std::string key_;
  std::string command_;
  std::uint32_t attempt_ = 0;
  sim::time_ns started_ns_ = 0;  // when the request was first sent, on the local clock
  std::int64_t target_ = -1;  // the server believed to lead, or -1
  bool via_follower_ = false;  // the request in flight goes through a follower
  std::uint64_t completed_ = 0;
  std::uint64_t started_ = 0;  // transactions begun
};

}  // namespace protocols::lock
