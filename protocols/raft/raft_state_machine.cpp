// Raft's clients and its state machine: requests (forwarded by followers to
// the leader, the seed's flow) admitted by the machine's sessions, committed
// entries applied in order, replies from the leader, and ReadIndex reads.
#include "protocols/raft/raft_server.hpp"

namespace protocols::raft {
namespace {

// Clients are single-instance processes; requests carry their process id.
sim::address client_address(std::uint64_t client) { return {static_cast<sim::process_id>(client), 0}; }

}  // namespace

void raft_server::on_client_request(const sim::step_context& context, const sim::envelope& message,
                                    sim::effects& out) {
  const client_request request = decode_client_request(message);
  const sim::address client = client_address(request.client);
  if (role_ != role::leader) {
    if (const auto local = machine_->answer_locally(request)) {
      return out.reply(client, encode(client_reply{request.sequence, reply_status::ok, self_, *local}));
    }
    // A follower that knows the leader forwards a client's request once; a
    // forwarded request that finds no leader is refused with a hint.
    if (leader_ >= 0 && message.kind == sim::channel::request) {
      return out.send(context.server(static_cast<std::uint32_t>(leader_), group_), encode(request));
    }
    return out.reply(client, encode(client_reply{request.sequence, reply_status::not_leader, leader_, ""}));
  }
  if (options_.relay_replies) {
    if (message.kind == sim::channel::peer) {
      relays_[request.client] = message.from.process;
    } else {
      relays_.erase(request.client);
    }
  }
  std::string answer;
  switch (machine_->admit(request, answer)) {
    case admission::read: return start_read(context, request, out);
    case admission::answered:
      return reply_to_client(request.client, client_reply{request.sequence, reply_status::ok, self_, answer}, out);
    case admission::ignore: return;
    case admission::append: break;
  }
  append_to_log({term_, request.command, request.client, request.sequence}, out);
  broadcast_append(context, out);
}

// On the leader's heartbeat: the machine's own commands (a lock manager's
// lease expiries), appended like a client's but from no client.
void raft_server::propose_commands(const sim::step_context& context, sim::effects& out) {
  const std::vector<std::string> commands = machine_->propose(context.local_time_ns);
  if (commands.empty()) return;
  for (const std::string& command : commands) {
    SYNCSIM_ASSERT(!command.empty());
    append_to_log({term_, command, 0, 0}, out);
  }
  broadcast_append(context, out);
}

void raft_server::apply_committed(const sim::step_context& context, sim::effects& out) {
  while (applied_ < commit_) {
    applied_++;
    const log_entry& entry = entry_at(applied_);
    if (entry.command.empty() || is_configuration(entry)) continue;  // a no-op or a membership change
    machine_->apply(applied_, entry, context.local_time_ns, replies_);
    send_replies(out);
  }
  if (options_.snapshot_entries != 0 && applied_ - first_index() >= options_.snapshot_entries) take_snapshot(out);
  serve_reads(context, out);
}

// Only the leader answers: a follower applies silently.
void raft_server::send_replies(sim::effects& out) {
  if (role_ == role::leader) {
    for (const machine_reply& reply : replies_) {
      reply_to_client(reply.client, client_reply{reply.sequence, reply_status::ok, self_, reply.result}, out);
    }
  }
  replies_.clear();
}

// Directly, or back through the follower that forwarded the request.
void raft_server::reply_to_client(std::uint64_t client, const client_reply& reply, sim::effects& out) {
  const auto relay = relays_.find(client);
  if (relay == relays_.end()) return out.reply(client_address(client), encode(reply));
  out.send({relay->second, group_}, encode(relayed_reply{client, reply}));
}

// ReadIndex (thesis 6.4): a read never enters the log. It joins the next
// heartbeat round; when a majority has answered that round the leader knew
// it still led after the read arrived, and once it has applied its commit
// index of that moment the local state is at least as new as any write that
// completed before the read began.
void raft_server::start_read(const sim::step_context& context, const client_request& request, sim::effects& out) {
  if (options_.bugs.read_without_quorum) {
    // The bug: answer from local state, which a deposed leader still has.
    const sim::address client = client_address(request.client);
    const std::string value = machine_->read(request.command);
    return out.reply(client, encode(client_reply{request.sequence, reply_status::ok, self_, value}));
  }
  const bool round_idle = round_confirmed(read_round_);
  reads_.push_back({request.client, request.sequence, request.command, read_round_ + 1, 0});
  if (round_idle) {
    read_round_++;
    broadcast_append(context, out);
  }
  serve_reads(context, out);
}

bool raft_server::round_confirmed(std::uint64_t round) const {
  std::uint64_t confirmed = std::uint64_t{1} << self_;
  for (std::uint32_t peer = 0; peer < acked_round_.size(); ++peer) {
    if (acked_round_[peer] >= round) confirmed |= std::uint64_t{1} << peer;
  }
  return is_quorum(confirmed);
}

void raft_server::serve_reads(const sim::step_context& context, sim::effects& out) {
  if (role_ != role::leader || reads_.empty()) return;
  const bool committed_in_term = term_at(commit_) == term_;
  std::size_t kept = 0;
  bool waiting_for_next_round = false;
  for (std::size_t index = 0; index < reads_.size(); ++index) {
    pending_read& read = reads_[index];
    if (read.read_index == 0 && committed_in_term) read.read_index = commit_;
    if (read.read_index != 0 && read.read_index <= applied_ && round_confirmed(read.round)) {
      const sim::address client = client_address(read.client);
      out.reply(client, encode(client_reply{read.sequence, reply_status::ok, self_, machine_->read(read.command)}));
      continue;
    }
    waiting_for_next_round = waiting_for_next_round || read.round > read_round_;
    if (kept != index) reads_[kept] = std::move(read);  // never a self-move, which empties strings
    kept++;
  }
  reads_.resize(kept);
  if (waiting_for_next_round && round_confirmed(read_round_)) {
    read_round_++;
    broadcast_append(context, out);
  }
}

// A leader that steps down tells its waiting readers, who try elsewhere.
void raft_server::abandon_reads(sim::effects& out) {
  for (const pending_read& read : reads_) {
    const sim::address client = client_address(read.client);
    out.reply(client, encode(client_reply{read.sequence, reply_status::not_leader, -1, ""}));
  }
  reads_.clear();
}

}  // namespace protocols::raft
