#pragma once
// A client of the replicated key-value store: read, write and cas on a few
// keys, one operation at a time (as a Jepsen process). A request that times
// out is retried with the same sequence number on another server, so the
// servers' sessions apply it once; after the last attempt its outcome is
// unknown (info).

#include <cstdint>
#include <string>
#include <vector>

#include "sim/actor.hpp"

namespace protocols::raft {

struct workload_options {
  std::uint32_t keys = 3;
  std::uint32_t values = 5;  // writes and cas use values 0..values-1
  std::uint32_t read_percent = 34;  // the rest split evenly between write and cas
  sim::time_ns request_interval_ns = 20 * sim::millisecond;
  sim::time_ns request_timeout_ns = 400 * sim::millisecond;
  std::uint32_t attempts = 3;
  // Each client starts at most this many operations in the safety phase
  // (0: no limit), then none until the phase ends at safety_end_ns, so
  // that liveness is still asked of a working system. `syncsim shrink`
  // drops operations by lowering it.
  std::uint64_t operations_max = 0;
  sim::time_ns safety_end_ns = 0;
  friend bool operator==(const workload_options&, const workload_options&) = default;
};

enum client_timer : std::uint64_t { next_operation_timer = 1, timeout_timer = 2 };

class raft_client final : public sim::actor_value<raft_client> {
 public:
  raft_client(const workload_options& options, std::uint16_t groups)
      : options_(options), groups_(groups), targets_(groups, -1) {}
  void on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) override;
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override;
  void on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) override;

  std::uint64_t completed() const { return completed_; }
  std::uint64_t hash_value() const;
  friend bool operator==(const raft_client&, const raft_client&) = default;

 private:
  void start_operation(const sim::step_context& context, sim::effects& out);
  void send_request(const sim::step_context& context, sim::effects& out);
  void finish(sim::history_type type, const std::string& output, sim::effects& out);

  sim::address target_address(const sim::step_context& context) const;
  std::string command() const;

  workload_options options_;
  std::uint16_t groups_ = 1;
  // The server believed to lead each group, or -1.
  std::vector<std::int64_t> targets_;
  std::uint16_t group_ = 0;  // the group of the current operation's key
  std::uint64_t sequence_ = 0;
  bool waiting_ = false;
  std::uint32_t attempt_ = 0;
  std::string function_;
  std::string key_;
  std::string input_;
  std::uint64_t completed_ = 0;
  std::uint64_t started_ = 0;
};

}  // namespace protocols::raft
