// Raft roles and elections: start from disk, timers, RequestVote and votes.
#include "protocols/raft/raft_server.hpp"

#include <bit>

#include "sim/hash.hpp"

namespace protocols::raft {
namespace {

sim::bytes encode_hard_state(std::uint64_t term, std::int64_t voted_for) {
  sim::bytes value;
  sim::byte_writer(value).u64(term).i64(voted_for);
  return value;
}

}  // namespace

std::uint64_t entry_chain(std::uint64_t previous, const log_entry& entry) {
  sim::hasher result(previous);
  return result.add(entry.term).add_string(entry.command).add(entry.client).add(entry.sequence).value();
}

void raft_server::on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) {
  self_ = context.self.process;
  servers_ = context.servers;
  SYNCSIM_ASSERT(servers_ <= 64);
  if (const auto stored = disk.values.find("hard_state"); stored != disk.values.end()) {
    sim::byte_reader reader(stored->second);
    term_ = reader.u64();
    voted_for_ = reader.i64();
  }
  if (const auto stored = disk.lists.find("log"); stored != disk.lists.end()) {
    for (const sim::bytes& record : stored->second) {
      sim::byte_reader reader(record);
      log_entry entry;
      entry.term = reader.u64();
      entry.command = reader.text();
      entry.client = reader.u64();
      entry.sequence = reader.u64();
      chain_.push_back(entry_chain(chain_.empty() ? 0 : chain_.back(), entry));
      log_.push_back(std::move(entry));
    }
  }
  reset_election_timer(context, out);
}

void raft_server::on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  switch (type_of(message)) {
    case message_type::request_vote: return on_request_vote(context, message, out);
    case message_type::vote: return on_vote(context, message, out);
    case message_type::append_entries: return on_append_entries(context, message, out);
    case message_type::append_response: return on_append_response(context, message, out);
    case message_type::client_request: return on_client_request(context, message, out);
    case message_type::client_reply: return;  // servers never receive replies
  }
}

void raft_server::on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) {
  if (timer_id == election_timer && role_ != role::leader) {
    become_candidate(context, out);
  } else if (timer_id == heartbeat_timer && role_ == role::leader) {
    broadcast_append(context, out);
    out.set_timer(heartbeat_timer, options_.heartbeat_ns);
  }
}

void raft_server::reset_election_timer(const sim::step_context& context, sim::effects& out) const {
  const auto timeout = context.rng().between(options_.election_timeout_min_ns, options_.election_timeout_max_ns);
  out.set_timer(election_timer, timeout);
}

// Term and vote in one synchronous write (INVARIANTS.md: two writes could be
// split by a crash).
void raft_server::persist_hard_state(sim::effects& out) const {
  out.set("hard_state", encode_hard_state(term_, options_.forget_vote ? -1 : voted_for_), true);
}

void raft_server::become_follower(const sim::step_context& context, std::uint64_t term, std::int64_t leader,
                                  sim::effects& out) {
  SYNCSIM_ASSERT(term >= term_);
  if (term > term_) {
    term_ = term;
    voted_for_ = -1;
    persist_hard_state(out);
  }
  if (role_ == role::leader) out.cancel_timer(heartbeat_timer);
  role_ = role::follower;
  leader_ = leader;
  votes_ = 0;
  next_.clear();
  match_.clear();
  reset_election_timer(context, out);
}

void raft_server::become_candidate(const sim::step_context& context, sim::effects& out) {
  role_ = role::candidate;
  term_++;
  voted_for_ = self_;
  leader_ = -1;
  votes_ = std::uint64_t{1} << self_;
  persist_hard_state(out);  // durable before the RequestVotes leave
  reset_election_timer(context, out);
  if (servers_ == 1) return become_leader(context, out);
  const request_vote message{term_, last_index(), term_at(last_index())};
  for (std::uint32_t peer = 0; peer < servers_; ++peer) {
    if (peer != self_) out.send(context.server(peer), encode(message));
  }
}

void raft_server::become_leader(const sim::step_context& context, sim::effects& out) {
  SYNCSIM_ASSERT(role_ == role::candidate);
  role_ = role::leader;
  leader_ = self_;
  next_.assign(servers_, last_index() + 1);
  match_.assign(servers_, 0);
  out.cancel_timer(election_timer);
  // A no-op of the new term lets entries of earlier terms commit (section 8).
  append_to_log({term_, "", 0, 0}, out);
  broadcast_append(context, out);
  out.set_timer(heartbeat_timer, options_.heartbeat_ns);
}

bool raft_server::log_up_to_date(std::uint64_t last_term, std::uint64_t last_index_of_candidate) const {
  if (options_.no_log_check) return true;
  const std::uint64_t own_last_term = term_at(last_index());
  if (last_term != own_last_term) return last_term > own_last_term;
  return last_index_of_candidate >= last_index();
}

void raft_server::on_request_vote(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  const request_vote request = decode_request_vote(message);
  if (request.term > term_) become_follower(context, request.term, -1, out);
  const auto candidate = static_cast<std::int64_t>(message.from.process);
  const bool granted = request.term == term_ && (voted_for_ == -1 || voted_for_ == candidate) &&
                       log_up_to_date(request.last_term, request.last_index);
  if (granted) {
    voted_for_ = candidate;
    persist_hard_state(out);  // durable before the vote leaves
    reset_election_timer(context, out);
  }
  out.send(message.from, encode(vote{term_, granted}));
}

void raft_server::on_vote(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  const vote response = decode_vote(message);
  if (response.term > term_) return become_follower(context, response.term, -1, out);
  if (role_ != role::candidate || response.term != term_ || !response.granted) return;
  // Votes are a set of voters: a duplicated vote counts once.
  votes_ |= std::uint64_t{1} << message.from.process;
  if (static_cast<std::uint32_t>(std::popcount(votes_)) * 2 > servers_) become_leader(context, out);
}

std::uint64_t raft_server::hash_value() const {
  sim::hasher result;
  result.add(term_).add(static_cast<std::uint64_t>(voted_for_)).add(chain_at(last_index()));
  result.add(static_cast<std::uint64_t>(role_)).add(static_cast<std::uint64_t>(leader_));
  result.add(commit_).add(applied_).add(votes_);
  for (std::uint64_t index : next_) result.add(index);
  for (std::uint64_t index : match_) result.add(index);
  return result.add(state_machine_hash()).value();
}

}  // namespace protocols::raft
