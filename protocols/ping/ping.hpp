#pragma once
// The example protocol: the smallest complete use of the actor interface.
// Servers ping each other every period and remember when they last heard a
// pong; each server counts its boots on disk; clients send echo requests to
// random servers and record the outcome in the client history.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/actor.hpp"

namespace protocols::ping {

enum class message_type : std::uint8_t { ping, pong, echo_request, echo_reply };

struct ping_options {
  sim::time_ns period_ns = 100 * sim::millisecond;
  bool unsynced_boot_count = false;   // bug switch ping.unsynced_boot_count
  bool stale_echo = false;            // bug switch ping.stale_echo
  bool silent_after_restart = false;  // bug switch ping.silent_after_restart
  sim::time_ns request_interval_ns = 50 * sim::millisecond;
  sim::time_ns request_timeout_ns = 500 * sim::millisecond;
  friend bool operator==(const ping_options&, const ping_options&) = default;
};

enum timer_id : std::uint64_t { ping_timer = 1, request_timer, timeout_timer };

class ping_server final : public sim::actor_value<ping_server> {
 public:
  explicit ping_server(const ping_options& options) : options_(options) {}
  void on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) override;
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override;
  void on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) override;

  std::uint64_t boot_count() const { return boot_count_; }
  // Local time of the last pong from each server; -1 if never.
  const std::vector<sim::time_ns>& last_heard_ns() const { return last_heard_ns_; }
  std::uint64_t hash_value() const;
  friend bool operator==(const ping_server&, const ping_server&) = default;

 private:
  ping_options options_;
  std::uint64_t boot_count_ = 0;
  std::uint64_t sequence_ = 0;
  std::vector<sim::time_ns> last_heard_ns_;
  std::string last_echo_;  // only the stale_echo bug reads it
};

class ping_client final : public sim::actor_value<ping_client> {
 public:
  explicit ping_client(const ping_options& options) : options_(options) {}
  void on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) override;
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override;
  void on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) override;

  std::uint64_t hash_value() const;
  friend bool operator==(const ping_client&, const ping_client&) = default;

 private:
  ping_options options_;
  std::uint64_t next_request_ = 0;
  bool waiting_ = false;  // one request outstanding at a time, as a Jepsen process
  std::string outstanding_;
};

sim::bytes encode(message_type type, std::uint64_t number, const std::string& text);

}  // namespace protocols::ping
