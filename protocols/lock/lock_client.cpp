#include "protocols/lock/lock_client.hpp"

#include <algorithm>

#include "protocols/lock/lock_resource.hpp"
#include "protocols/raft/raft_messages.hpp"
#include "sim/hash.hpp"

namespace protocols::lock {

void lock_client::on_start(const sim::step_context&, const sim::disk_state&, sim::effects& out) {
  out.set_timer(think_timer, workload_.think_ns);
}

void lock_client::plan_transaction(const sim::step_context& context) {
  plan_.clear();
  std::vector<std::string> names;
  for (std::uint32_t index = 0; index < workload_.locks; ++index) names.push_back("l" + std::to_string(index));
  // A partial Fisher-Yates shuffle draws distinct locks.
  const auto count = static_cast<std::uint32_t>(
      1 + context.rng().below(std::min(workload_.locks_per_transaction_max, workload_.locks)));
  for (std::uint32_t index = 0; index < count; ++index) {
    const auto pick = static_cast<std::size_t>(index + context.rng().below(names.size() - index));
    std::swap(names[index], names[pick]);
  }
  names.resize(count);
  if (workload_.kind == lock_workload_kind::ordered) std::sort(names.begin(), names.end());
  if (workload_.kind == lock_workload_kind::conversion) {
    plan_.push_back({names[0], false, false});
    plan_.push_back({names[0], true, false});
    return;
  }
  for (const std::string& name : names) {
    const bool exclusive = context.rng().below(100) >= workload_.shared_percent;
    const bool try_only = context.rng().below(100) < workload_.try_percent;
    plan_.push_back({name, exclusive, try_only});
  }
}

void lock_client::start_transaction(const sim::step_context& context, sim::effects& out) {
  const bool capped = workload_.transactions_max > 0 && started_ >= workload_.transactions_max;
  if (capped && context.local_time_ns < workload_.safety_end_ns) {
    return out.set_timer(think_timer, workload_.safety_end_ns - context.local_time_ns);
  }
  started_++;
  plan_transaction(context);
  held_.clear();
  giving_up_ = false;
  phase_ = phase::acquiring;
  position_ = 0;
  next_step(context, out);
}

// One request at a time: the next acquire, renewal or release, or the next
// phase once a round is done.
void lock_client::next_step(const sim::step_context& context, sim::effects& out) {
  if (phase_ == phase::acquiring && position_ < plan_.size()) {
    const step& next = plan_[position_];
    const sim::time_ns wait_ns = next.try_only ? 0 : workload_.wait_ns;
    via_follower_ = workload_.via_follower_percent > 0 && target_ >= 0 && context.servers > 1 &&
                    context.rng().below(100) < workload_.via_follower_percent;
    return request(context, "acquire", next.lock, std::string(next.exclusive ? "X" : "S") + (via_follower_ ? " via follower" : ""),
                   "acquire " + next.lock + (next.exclusive ? " X " : " S ") + std::to_string(wait_ns) + " " +
                       std::to_string(workload_.lease_ns),
                   out);
  }
  if (phase_ == phase::acquiring) return start_holding(context, out);
  if (phase_ == phase::renewing && position_ < held_.size()) {
    const held& lock = held_[position_];
    return request(context, "renew", lock.lock, std::to_string(lock.token),
                   "renew " + lock.lock + " " + std::to_string(lock.token) + " " + std::to_string(workload_.lease_ns),
                   out);
  }
  if (phase_ == phase::renewing) {
    phase_ = phase::holding;
    return out.set_timer(renew_timer, workload_.lease_ns / 3);
  }
  if (phase_ == phase::releasing && position_ < held_.size()) {
    const held& lock = held_[position_];
    return request(context, "release", lock.lock, std::to_string(lock.token), "release " + lock.lock + " " + std::to_string(lock.token), out);
  }
  if (phase_ == phase::releasing) finish_transaction(out);
}

void lock_client::request(const sim::step_context& context, const std::string& function, const std::string& key,
                          const std::string& value, const std::string& command, sim::effects& out) {
  sequence_++;
  function_ = function;
  key_ = key;
  command_ = command;
  attempt_ = 0;
  started_ns_ = context.local_time_ns;
  out.record({sim::history_type::invoke, function, key, value});
  send(context, out);
}

void lock_client::send(const sim::step_context& context, sim::effects& out) {
  if (target_ < 0 || attempt_ > 0) target_ = static_cast<std::int64_t>(context.rng().below(context.servers));
  attempt_++;
  std::int64_t server = target_;
  if (via_follower_ && attempt_ == 1) {
    // Any server but the believed leader: it forwards the request.
    server = static_cast<std::int64_t>((target_ + 1 + context.rng().below(context.servers - 1)) % context.servers);
  }
  out.request(context.server(static_cast<std::uint32_t>(server)),
              raft::encode(raft::client_request{context.self.process, sequence_, command_}));
  out.set_timer(request_timer, workload_.request_timeout_ns);
}

// A request is sent again every request timeout (a waiting acquire is
// recognised by its session and not queued twice) until it has had its
// wait and `attempts` timeouts beyond it.
bool lock_client::gave_up(const sim::step_context& context) const {
  const bool waits = function_ == "acquire" && command_.find(" 0 ") == std::string::npos;
  const sim::time_ns patience = (waits ? workload_.wait_ns : 0) + workload_.request_timeout_ns * workload_.attempts;
  return context.local_time_ns - started_ns_ >= patience;
}

void lock_client::on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  if (static_cast<std::int64_t>(message.from.process) == resource_) return;  // the resource's answers are its history
  const raft::client_reply reply = raft::decode_client_reply(message);
  if (phase_ == phase::idle || phase_ == phase::holding || reply.sequence != sequence_) return;  // late
  if (reply.status == raft::reply_status::ok) {
    target_ = reply.leader_hint;
    out.cancel_timer(request_timer);
    return on_answer(context, true, reply.result, out);
  }
  if (reply.leader_hint >= 0 && reply.leader_hint != target_) {
    target_ = reply.leader_hint;
    out.request(context.server(static_cast<std::uint32_t>(target_)),
                raft::encode(raft::client_request{context.self.process, sequence_, command_}));
    return;
  }
  // No leader known: the request waits in no queue, so try again after a
  // request timeout rather than after the whole wait.
  out.set_timer(request_timer, workload_.request_timeout_ns);
}

void lock_client::on_answer(const sim::step_context& context, bool answered, const std::string& result,
                            sim::effects& out) {
  const bool success = answered && (result.starts_with("granted ") || result == "released" || result == "renewed");
  out.record({answered ? (success ? sim::history_type::ok : sim::history_type::fail) : sim::history_type::info,
              function_, key_, result});
  if (phase_ == phase::acquiring && success) {
    const std::uint64_t token = std::stoull(result.substr(8));
    const auto known = std::find_if(held_.begin(), held_.end(), [&](const held& lock) { return lock.lock == key_; });
    if (known != held_.end()) {
      *known = {key_, plan_[position_].exclusive, token};  // an upgrade
    } else {
      held_.push_back({key_, plan_[position_].exclusive, token});
    }
  }
  if (!success && phase_ != phase::releasing) {
    // Busy, timed out, a deadlock's victim, or a lost lease: give up and
    // release what is held.
    giving_up_ = true;
    phase_ = phase::releasing;
    position_ = 0;
    out.cancel_timer(hold_timer);
    out.cancel_timer(renew_timer);
    return next_step(context, out);
  }
  position_++;
  next_step(context, out);
}

// Holding: write under every exclusive lock now and once more at the end,
// renewing leases meanwhile. The last write is sent without asking the lock
// service again, as a process that was paused meanwhile would: its token
// is what protects the resource.
void lock_client::start_holding(const sim::step_context& context, sim::effects& out) {
  phase_ = phase::holding;
  write_resource(context, out);
  out.set_timer(hold_timer, workload_.hold_ns);
  if (workload_.lease_ns > 0) out.set_timer(renew_timer, workload_.lease_ns / 3);
}

// One write under each exclusive lock held, carrying its token.
void lock_client::write_resource(const sim::step_context& context, sim::effects& out) const {
  if (resource_ < 0) return;
  const sim::address resource = context.client(static_cast<std::uint32_t>(resource_) - context.servers);
  for (const held& lock : held_) {
    if (lock.exclusive) out.send(resource, encode_write(lock.lock, lock.token));
  }
}

void lock_client::on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) {
  if (timer_id == think_timer && phase_ == phase::idle) return start_transaction(context, out);
  if (timer_id == renew_timer && phase_ == phase::holding) {
    phase_ = phase::renewing;
    position_ = 0;
    return next_step(context, out);
  }
  if (timer_id == hold_timer && (phase_ == phase::holding || phase_ == phase::renewing)) {
    write_resource(context, out);
    out.cancel_timer(renew_timer);
    if (phase_ == phase::renewing) {
      out.cancel_timer(request_timer);
      out.record({sim::history_type::info, function_, key_, ""});  // the renewal is abandoned
    }
    phase_ = phase::releasing;
    position_ = 0;
    return next_step(context, out);
  }
  if (timer_id != request_timer || phase_ == phase::idle || phase_ == phase::holding) return;
  if (gave_up(context)) return on_answer(context, false, "", out);
  send(context, out);
}

void lock_client::finish_transaction(sim::effects& out) {
  completed_ += giving_up_ ? 0 : 1;
  phase_ = phase::idle;
  held_.clear();
  out.set_timer(think_timer, workload_.think_ns);
}

std::uint64_t lock_client::hash_value() const {
  sim::hasher result;
  for (const step& item : plan_) result.add_string(item.lock).add(item.exclusive).add(item.try_only);
  for (const held& item : held_) result.add_string(item.lock).add(item.exclusive).add(item.token);
  result.add(position_).add(static_cast<std::uint64_t>(phase_)).add(giving_up_).add(sequence_);
  result.add_string(function_).add_string(key_).add_string(command_).add(attempt_).add(via_follower_);
  return result.add(static_cast<std::uint64_t>(target_)).add(static_cast<std::uint64_t>(started_ns_)).add(completed_).add(started_).value();
}

}  // namespace protocols::lock
