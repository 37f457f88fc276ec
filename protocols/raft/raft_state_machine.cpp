// The replicated key-value store Raft serves: client requests (forwarded by
// followers to the leader, the seed's flow), client sessions that apply a
// retried command once, and replies from the leader once a command applies.
#include <sstream>

#include "sim/hash.hpp"

#include "protocols/raft/raft_server.hpp"

namespace protocols::raft {

void raft_server::on_client_request(const sim::step_context& context, const sim::envelope& message,
                                    sim::effects& out) {
  const client_request request = decode_client_request(message);
  const sim::address client = {static_cast<sim::process_id>(request.client), 0};
  if (role_ != role::leader) {
    // A follower that knows the leader forwards a client's request once; a
    // forwarded request that finds no leader is refused with a hint.
    if (leader_ >= 0 && message.kind == sim::channel::request) {
      return out.send(context.server(static_cast<std::uint32_t>(leader_)), encode(request));
    }
    return out.reply(client, encode(client_reply{request.sequence, reply_status::not_leader, leader_, ""}));
  }
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
  if (servers_ == 1) advance_commit(context, out);
}

void raft_server::apply_committed(const sim::step_context& context, sim::effects& out) {
  (void)context;
  while (applied_ < commit_) {
    applied_++;
    const log_entry& entry = log_.at(applied_ - 1);
    if (entry.sequence == 0) continue;  // a leader's no-op
    const session& known = sessions_[entry.client];
    if (entry.sequence < known.sequence) continue;  // a retry of a command long answered
    if (entry.sequence > known.sequence) set_session(entry.client, {entry.sequence, execute(entry.command)});
    const session& client_session = sessions_[entry.client];
    if (role_ == role::leader) {
      const sim::address client = {static_cast<sim::process_id>(entry.client), 0};
      out.reply(client, encode(client_reply{entry.sequence, reply_status::ok, self_, client_session.result}));
    }
  }
}

// "write KEY VALUE" -> "", "read KEY" -> value or "nil",
// "cas KEY FROM TO" -> "true" or "false".
std::string raft_server::execute(const std::string& command) {
  std::istringstream words(command);
  std::string operation;
  std::string key;
  words >> operation >> key;
  const auto stored = values_.find(key);
  const std::string current = stored == values_.end() ? "nil" : stored->second;
  if (operation == "write") {
    std::string value;
    words >> value;
    set_value(key, value);
    return "";
  }
  if (operation == "read") return current;
  if (operation == "cas") {
    std::string expected;
    std::string replacement;
    words >> expected >> replacement;
    if (current != expected) return "false";
    set_value(key, replacement);
    return "true";
  }
  SYNCSIM_ASSERT(false);  // the client only sends the three commands
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
