#pragma once
// A synthetic load for measuring the kernel: every server keeps a fixed
// number of messages circulating between random servers and a fixed number
// of timers re-arming themselves, so the pending event count stays constant.

#include <cstdint>

#include "sim/actor.hpp"

namespace protocols::bench {

struct bench_options {
  std::uint32_t messages_per_server = 100;
  std::uint32_t timers_per_server = 100;
  sim::time_ns timer_period_ns = 10 * sim::millisecond;
  friend bool operator==(const bench_options&, const bench_options&) = default;
};

class bench_server final : public sim::actor_value<bench_server> {
 public:
  explicit bench_server(const bench_options& options) : options_(options) {}
  void on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) override;
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override;
  void on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) override;
  std::uint64_t hash_value() const { return handled_; }
  friend bool operator==(const bench_server&, const bench_server&) = default;

 private:
  void send_to_random_server(const sim::step_context& context, std::uint64_t hops, sim::effects& out) const;
  bench_options options_;
  std::uint64_t handled_ = 0;
};

}  // namespace protocols::bench
