// The replicated key-value store Raft serves: client requests (forwarded by
// followers to the leader, the seed's flow), client sessions that apply a
// retried command once, and replies from the leader once a command applies.
#include <sstream>

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
    session& client_session = sessions_[entry.client];
    if (entry.sequence > client_session.sequence) {
      client_session = {entry.sequence, execute(entry.command)};
    } else if (entry.sequence < client_session.sequence) {
      continue;  // a retry of a command long answered
    }
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
    words >> values_[key];
    return "";
  }
  if (operation == "read") return current;
  if (operation == "cas") {
    std::string expected;
    std::string replacement;
    words >> expected >> replacement;
    if (current != expected) return "false";
    values_[key] = replacement;
    return "true";
  }
  SYNCSIM_ASSERT(false);  // the client only sends the three commands
  return "";
}

}  // namespace protocols::raft
