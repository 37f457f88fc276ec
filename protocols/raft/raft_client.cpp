#include "protocols/raft/raft_client.hpp"

#include "protocols/raft/raft_messages.hpp"
#include "sim/hash.hpp"

namespace protocols::raft {

void raft_client::on_start(const sim::step_context&, const sim::disk_state&, sim::effects& out) {
  out.set_timer(next_operation_timer, options_.request_interval_ns);
}

void raft_client::start_operation(const sim::step_context& context, sim::effects& out) {
  const bool capped = options_.operations_max > 0 && started_ >= options_.operations_max;
  if (capped && context.local_time_ns < options_.safety_end_ns) {
    out.set_timer(next_operation_timer, options_.safety_end_ns - context.local_time_ns);
    return;
  }
  started_++;
  sequence_++;
  waiting_ = true;
  attempt_ = 0;
  const std::uint64_t key_number = context.rng().below(options_.keys);
  key_ = "k" + std::to_string(key_number);
  group_ = static_cast<std::uint16_t>(key_number % groups_);
  const auto value = [&] { return std::to_string(context.rng().below(options_.values)); };
  const std::uint64_t draw = context.rng().below(100);
  if (draw < options_.read_percent) {
    function_ = "read";
    input_ = "";
  } else if ((draw - options_.read_percent) % 2 == 0) {
    function_ = "write";
    input_ = value();
  } else {
    function_ = "cas";
    input_ = value();
    input_ += " " + value();
  }
  out.record({sim::history_type::invoke, function_, key_, input_});
  send_request(context, out);
}

// "write k1 3", "read k0", "cas k2 1 4": what the servers execute.
std::string raft_client::command() const { return function_ + " " + key_ + (input_.empty() ? "" : " " + input_); }

sim::address raft_client::target_address(const sim::step_context& context) const {
  return context.server(static_cast<std::uint32_t>(targets_[group_]), group_);
}

void raft_client::send_request(const sim::step_context& context, sim::effects& out) {
  std::int64_t& target = targets_[group_];
  if (target < 0 || attempt_ > 0) target = static_cast<std::int64_t>(context.rng().below(context.servers));
  attempt_++;
  out.request(target_address(context), encode(client_request{context.self.process, sequence_, command()}));
  out.set_timer(timeout_timer, options_.request_timeout_ns);
}

void raft_client::finish(sim::history_type type, const std::string& output, sim::effects& out) {
  waiting_ = false;
  completed_ += type == sim::history_type::ok ? 1 : 0;
  out.record({type, function_, key_, output});
  out.cancel_timer(timeout_timer);
  out.set_timer(next_operation_timer, options_.request_interval_ns);
}

void raft_client::on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  const client_reply reply = decode_client_reply(message);
  if (!waiting_ || reply.sequence != sequence_) return;  // late or duplicated
  std::int64_t& target = targets_[group_];
  if (reply.status == reply_status::ok) {
    target = reply.leader_hint;  // the leader answered: ask it first next time
    return finish(sim::history_type::ok, reply.result, out);
  }
  // Not the leader: try the hinted one now (a retry of the same sequence).
  if (reply.leader_hint >= 0 && reply.leader_hint != target) {
    target = reply.leader_hint;
    out.request(target_address(context), encode(client_request{context.self.process, sequence_, command()}));
  }
}

void raft_client::on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) {
  if (timer_id == next_operation_timer && !waiting_) return start_operation(context, out);
  if (timer_id != timeout_timer || !waiting_) return;
  if (attempt_ >= options_.attempts) return finish(sim::history_type::info, "", out);
  send_request(context, out);
}

std::uint64_t raft_client::hash_value() const {
  sim::hasher result;
  result.add(sequence_).add(waiting_).add(attempt_).add(group_);
  for (std::int64_t target : targets_) result.add(static_cast<std::uint64_t>(target));
  return result.add_string(function_).add_string(key_).add_string(input_).add(completed_).add(started_).value();
}

}  // namespace protocols::raft
