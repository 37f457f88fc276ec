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

// Group 0 keeps the plain names, so a single-group server's disk reads as
// Raft's; other groups on the same node get their own prefix.
std::string raft_server::disk_key(const char* name) const {
  return group_ == 0 ? std::string(name) : "g" + std::to_string(group_) + "/" + name;
}

std::uint64_t entry_chain(std::uint64_t previous, const log_entry& entry) {
  sim::hasher result(previous);
  return result.add(entry.term).add_string(entry.command).add(entry.client).add(entry.sequence).value();
}

void raft_server::on_start(const sim::step_context& context, const sim::disk_state& disk, sim::effects& out) {
  self_ = context.self.process;
  servers_ = context.servers;
  SYNCSIM_ASSERT(servers_ <= 64);
  restore(disk, context.local_time_ns);
  if (disk_log_repair_) {
    out.truncate(disk_key("log"), *disk_log_repair_, true);
    disk_log_repair_.reset();
  }
  recompute_configuration();
  reset_election_timer(context, out);
}

void raft_server::on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  switch (type_of(message)) {
    case message_type::request_vote: return on_request_vote(context, message, out);
    case message_type::vote: return on_vote(context, message, out);
    case message_type::pre_vote: return on_pre_vote(context, message, out);
    case message_type::pre_vote_response: return on_pre_vote_response(context, message, out);
    case message_type::append_entries: return on_append_entries(context, message, out);
    case message_type::append_response: return on_append_response(context, message, out);
    case message_type::install_snapshot: return on_install_snapshot(context, message, out);
    case message_type::client_request: return on_client_request(context, message, out);
    case message_type::client_reply: return;  // servers never receive replies
    case message_type::relayed_reply: {
      const relayed_reply relayed = decode_relayed_reply(message);
      return out.reply({static_cast<sim::process_id>(relayed.client), 0}, encode(relayed.reply));
    }
  }
}

void raft_server::on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) {
  if (timer_id == election_timer && role_ != role::leader) {
    if (!is_member(self_)) return reset_election_timer(context, out);  // a learner never campaigns
    if (prevote_enabled()) return become_pre_candidate(context, out);
    return become_candidate(context, out);
  }
  if (timer_id == heartbeat_timer && role_ == role::leader) {
    broadcast_append(context, out);
    out.set_timer(heartbeat_timer, options_.heartbeat_ns);
    manage_membership(context, out);
    if (role_ == role::leader) propose_commands(context, out);
  } else if (timer_id == check_quorum_timer && role_ == role::leader) {
    check_quorum(context, out);
  }
}

void raft_server::reset_election_timer(const sim::step_context& context, sim::effects& out) const {
  const auto timeout = context.rng().between(options_.election_timeout_min_ns, options_.election_timeout_max_ns);
  out.set_timer(election_timer, timeout);
}

// Term and vote in one synchronous write (INVARIANTS.md: two writes could be
// split by a crash). The bug switches here are the ways implementations
// have got this wrong.
void raft_server::persist_hard_state(sim::effects& out) const {
  const std::uint64_t term = options_.bugs.forget_term ? 0 : term_;
  const std::int64_t vote = options_.bugs.forget_vote ? -1 : voted_for_;
  if (options_.bugs.split_term_and_vote) {
    // The term is written and waited for; the vote follows in a second write
    // that nothing waits for, so a crash between the two loses the vote.
    out.set(disk_key("hard_state"), encode_hard_state(term, -1), true);
    out.set(disk_key("hard_state"), encode_hard_state(term, vote), false);
    return;
  }
  out.set(disk_key("hard_state"), encode_hard_state(term, vote), true);
}

void raft_server::become_follower(const sim::step_context& context, std::uint64_t term, std::int64_t leader,
                                  sim::effects& out) {
  SYNCSIM_ASSERT(term >= term_);
  if (term > term_) {
    term_ = term;
    voted_for_ = -1;
    persist_hard_state(out);
  } else if (options_.bugs.clear_vote_on_step_down && voted_for_ != -1) {
    voted_for_ = -1;  // the bug: a vote of this very term forgotten
    persist_hard_state(out);
  }
  if (role_ == role::leader) {
    out.cancel_timer(heartbeat_timer);
    out.cancel_timer(check_quorum_timer);
    abandon_reads(out);
    relays_.clear();
    machine_->on_leadership(false, context.local_time_ns);
  }
  role_ = role::follower;
  leader_ = leader;
  votes_ = 0;
  vote_count_ = 0;
  next_.clear();
  match_.clear();
  acked_round_.clear();
  reset_election_timer(context, out);
}

// PreVote (thesis 9.6): ask whether an election for the next term could be
// won before disturbing anyone's term.
void raft_server::become_pre_candidate(const sim::step_context& context, sim::effects& out) {
  role_ = role::pre_candidate;
  leader_ = -1;
  votes_ = std::uint64_t{1} << self_;
  vote_count_ = 1;
  reset_election_timer(context, out);
  if (is_quorum(votes_)) return become_candidate(context, out);
  const request_vote message{term_ + 1, last_index(), term_at(last_index())};
  for (std::uint32_t peer = 0; peer < servers_; ++peer) {
    if (peer != self_) out.send(context.server(peer, group_), encode(message, message_type::pre_vote));
  }
}

void raft_server::become_candidate(const sim::step_context& context, sim::effects& out) {
  role_ = role::candidate;
  term_++;
  voted_for_ = self_;
  leader_ = -1;
  votes_ = std::uint64_t{1} << self_;
  vote_count_ = 1;
  persist_hard_state(out);  // durable before the RequestVotes leave
  reset_election_timer(context, out);
  if (is_quorum(votes_)) return become_leader(context, out);
  const request_vote message{term_, last_index(), term_at(last_index())};
  for (std::uint32_t peer = 0; peer < servers_; ++peer) {
    if (peer != self_) out.send(context.server(peer, group_), encode(message));
  }
}

void raft_server::become_leader(const sim::step_context& context, sim::effects& out) {
  SYNCSIM_ASSERT(role_ == role::candidate);
  role_ = role::leader;
  leader_ = self_;
  next_.assign(servers_, last_index() + 1);
  match_.assign(servers_, 0);
  acked_round_.assign(servers_, 0);
  heard_ns_.assign(servers_, context.local_time_ns);  // every follower gets a full timeout first
  probing_ = ~std::uint64_t{0};  // every follower's log is unknown at first
  active_ = 0;
  out.cancel_timer(election_timer);
  machine_->on_leadership(true, context.local_time_ns);
  // A no-op of the new term lets entries of earlier terms commit (section 8).
  if (options_.leader_noop) append_to_log({term_, "", 0, 0}, out);
  broadcast_append(context, out);
  out.set_timer(heartbeat_timer, options_.heartbeat_ns);
  if (prevote_enabled()) out.set_timer(check_quorum_timer, options_.election_timeout_max_ns);
}

// CheckQuorum: a leader that has not heard from a majority for an election
// timeout steps down, so its followers' leases are not held by a leader
// that can no longer commit.
void raft_server::check_quorum(const sim::step_context& context, sim::effects& out) {
  active_ |= std::uint64_t{1} << self_;
  if (is_quorum(active_)) {
    active_ = 0;
    out.set_timer(check_quorum_timer, options_.election_timeout_max_ns);
    return;
  }
  become_follower(context, term_, -1, out);
}

// A server that heard from a live leader less than an election timeout ago
// will not help unseat it (thesis 4.2.3 and 9.6).
bool raft_server::in_leader_lease(const sim::step_context& context) const {
  if (!prevote_enabled()) return false;
  if (role_ == role::leader) return true;
  return leader_ >= 0 && context.local_time_ns - leader_contact_ns_ < options_.election_timeout_min_ns;
}

bool raft_server::log_up_to_date(std::uint64_t last_term, std::uint64_t last_index_of_candidate) const {
  if (options_.bugs.no_log_check) return true;
  const std::uint64_t own_last_term = term_at(last_index());
  if (last_term != own_last_term) return last_term > own_last_term;
  return last_index_of_candidate >= last_index();
}

void raft_server::on_request_vote(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  const request_vote request = decode_request_vote(message);
  if (request.term > term_ && in_leader_lease(context)) return;  // ignored: the leader is alive
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
  if (role_ != role::candidate || !response.granted) return;
  if (response.term != term_ && !options_.bugs.count_stale_votes) return;  // a vote for an earlier candidacy
  if (count_vote(message.from.process)) become_leader(context, out);
}

// A PreVote changes nothing here: no term, no vote, no timer.
void raft_server::on_pre_vote(const sim::step_context& context, const sim::envelope& message, sim::effects& out) {
  const request_vote request = decode_request_vote(message);
  const bool granted = request.term > term_ && !in_leader_lease(context) &&
                       log_up_to_date(request.last_term, request.last_index);
  out.send(message.from, encode(pre_vote_response{term_, request.term, granted}));
}

void raft_server::on_pre_vote_response(const sim::step_context& context, const sim::envelope& message,
                                       sim::effects& out) {
  const pre_vote_response response = decode_pre_vote_response(message);
  if (response.term > term_ && !response.granted) return become_follower(context, response.term, -1, out);
  if (role_ != role::pre_candidate || response.candidate_term != term_ + 1 || !response.granted) return;
  if (count_vote(message.from.process)) become_candidate(context, out);
}

// Votes are a set of voters: a duplicated vote counts once. Returns whether
// a majority has now voted.
bool raft_server::count_vote(std::uint32_t voter) {
  const std::uint64_t bit = std::uint64_t{1} << voter;
  const bool repeated = (votes_ & bit) != 0;
  votes_ |= bit;
  if (!repeated || options_.bugs.count_duplicate_votes) vote_count_++;
  if (options_.bugs.count_duplicate_votes) return vote_count_ * 2 > static_cast<std::uint32_t>(std::popcount(config_));
  return is_quorum(votes_);
}

std::uint64_t raft_server::hash_value() const {
  sim::hasher result;
  result.add(term_).add(static_cast<std::uint64_t>(voted_for_)).add(chain_at(last_index()));
  result.add(static_cast<std::uint64_t>(role_)).add(static_cast<std::uint64_t>(leader_));
  result.add(commit_).add(applied_).add(votes_).add(vote_count_);
  result.add(static_cast<std::uint64_t>(leader_contact_ns_)).add(active_).add(read_round_).add(probing_);
  result.add(config_).add(config_index_).add(snapshot_.index).add(disk_log_offset_);
  for (sim::time_ns heard : heard_ns_) result.add(static_cast<std::uint64_t>(heard));
  for (std::uint64_t index : next_) result.add(index);
  for (std::uint64_t index : match_) result.add(index);
  for (std::uint64_t round : acked_round_) result.add(round);
  for (const auto& [client, server] : relays_) result.add(client).add(server);
  for (const pending_read& read : reads_) result.add(read.client).add(read.sequence).add(read.round).add(read.read_index);
  return result.add(machine_->fingerprint()).value();
}

}  // namespace protocols::raft
