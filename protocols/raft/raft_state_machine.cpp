// The replicated key-value store Raft serves: client requests (forwarded by
// followers to the leader, the seed's flow), client sessions that apply a
// retried command once, and replies from the leader once a command applies.
#include <sstream>

#include "sim/hash.hpp"

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
    // A follower that knows the leader forwards a client's request once; a
    // forwarded request that finds no leader is refused with a hint.
    if (leader_ >= 0 && message.kind == sim::channel::request) {
      return out.send(context.server(static_cast<std::uint32_t>(leader_), group_), encode(request));
    }
    return out.reply(client, encode(client_reply{request.sequence, reply_status::not_leader, leader_, ""}));
  }
  if (request.command.starts_with("read ")) return start_read(context, request, out);
  const auto known = sessions_.find(request.client);
  if (known != sessions_.end() && request.sequence <= known->second.sequence) {
    // Already applied: answer from the session, never apply twice.
    if (request.sequence == known->second.sequence) {
      out.reply(client, encode(client_reply{request.sequence, reply_status::ok, self_, known->second.result}));
    }
    return;
  }
  append_to_log({term_, request.command, request.client, request.sequence}, out);
  broadcast_append(context, out);
  if (is_quorum(std::uint64_t{1} << self_)) advance_commit(context, out);
}

void raft_server::apply_committed(const sim::step_context& context, sim::effects& out) {
  while (applied_ < commit_) {
    applied_++;
    const log_entry& entry = entry_at(applied_);
    if (entry.sequence == 0) continue;  // a leader's no-op
    const session& known = sessions_[entry.client];
    if (entry.sequence < known.sequence) continue;  // a retry of a command long answered
    if (entry.sequence > known.sequence) set_session(entry.client, {entry.sequence, execute(entry.command)});
    const session& client_session = sessions_[entry.client];
    if (role_ == role::leader) {
      const sim::address client = client_address(entry.client);
      out.reply(client, encode(client_reply{entry.sequence, reply_status::ok, self_, client_session.result}));
    }
  }
  if (options_.snapshot_entries != 0 && applied_ - first_index() >= options_.snapshot_entries) take_snapshot(out);
  serve_reads(context, out);
}

// ReadIndex (thesis 6.4): a read never enters the log. It joins the next
// heartbeat round; when a majority has answered that round the leader knew
// it still led after the read arrived, and once it has applied its commit
// index of that moment the local state is at least as new as any write that
// completed before the read began.
void raft_server::start_read(const sim::step_context& context, const client_request& request, sim::effects& out) {
  const std::string key = request.command.substr(5);
  if (options_.bugs.read_without_quorum) {
    // The bug: answer from local state, which a deposed leader still has.
    const sim::address client = client_address(request.client);
    return out.reply(client, encode(client_reply{request.sequence, reply_status::ok, self_, read_value(key)}));
  }
  const bool round_idle = round_confirmed(read_round_);
  reads_.push_back({request.client, request.sequence, key, read_round_ + 1, 0});
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
      out.reply(client, encode(client_reply{read.sequence, reply_status::ok, self_, read_value(read.key)}));
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

std::string raft_server::read_value(const std::string& key) const {
  const auto stored = values_.find(key);
  return stored == values_.end() ? "nil" : stored->second;
}

// "write KEY VALUE" -> "", "cas KEY FROM TO" -> "true" or "false". Reads
// never reach the log (ReadIndex).
std::string raft_server::execute(const std::string& command) {
  std::istringstream words(command);
  std::string operation;
  std::string key;
  words >> operation >> key;
  const std::string current = read_value(key);
  if (operation == "write") {
    std::string value;
    words >> value;
    set_value(key, value);
    return "";
  }
  if (operation == "cas") {
    std::string expected;
    std::string replacement;
    words >> expected >> replacement;
    if (current != expected) return "false";
    set_value(key, replacement);
    return "true";
  }
  SYNCSIM_ASSERT(false);  // the client sends only reads, writes and cas
  return "";
}

namespace {

std::uint64_t value_hash(const std::string& key, const std::string& value) {
  return sim::hasher(1).add_string(key).add_string(value).value();
}

std::uint64_t session_hash(std::uint64_t client, const session& value) {
  return sim::hasher(2).add(client).add(value.sequence).add_string(value.result).value();
}

}  // namespace

void raft_server::set_value(const std::string& key, const std::string& value) {
  const auto stored = values_.find(key);
  if (stored != values_.end()) state_hash_ -= value_hash(key, stored->second);
  values_[key] = value;
  state_hash_ += value_hash(key, value);
}

void raft_server::set_session(std::uint64_t client, const session& value) {
  const auto stored = sessions_.find(client);
  if (stored != sessions_.end() && stored->second.sequence > 0) state_hash_ -= session_hash(client, stored->second);
  sessions_[client] = value;
  state_hash_ += session_hash(client, value);
}

}  // namespace protocols::raft
