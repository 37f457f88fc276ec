// Raft log replication: AppendEntries, responses with fast backtracking,
// pipelined sends in batches, and commit by counting current-term replicas.
#include <algorithm>

#include "protocols/raft/raft_server.hpp"

namespace protocols::raft {
void raft_server::append_to_log(log_entry entry, sim::effects& out) {
  // Each record carries its index: after compaction the list no longer
  // starts at entry 1, and a restart must tell where it does.
  sim::bytes record;
  sim::byte_writer writer(record);
  writer.u64(last_index() + 1);
  write_entry(writer, entry);
  out.push(disk_key("log"), std::move(record), true);
  chain_.push_back(entry_chain(chain_at(last_index()), entry));
  const bool configuration = is_configuration(entry);
  log_.push_back(std::move(entry));
  if (configuration) recompute_configuration();  // finds it at once, at the end
}

void raft_server::truncate_log(std::uint64_t length, sim::effects& out) {
  // Committed entries are never removed; a checker would catch it anyway,
  // but the protocol asserts its own reasoning too. Under
  // raft.truncate_on_stale_append they are, and the checkers must notice.
  if (options_.bugs.truncate_on_stale_append) {
    commit_ = std::min(commit_, length);
  }
  SYNCSIM_ASSERT(length >= commit_);
  SYNCSIM_ASSERT(length >= first_index());
  out.truncate(disk_key("log"), length - disk_log_offset_, true);
  log_.resize(length - first_index());
  chain_.resize(length - first_index());
  recompute_configuration();  // a removed configuration entry no longer applies
}

void raft_server::send_append(const sim::step_context& context, std::uint32_t peer, sim::effects& out) {
  const std::uint64_t next = std::clamp<std::uint64_t>(next_[peer], 1, last_index() + 1);
  if (next - 1 < first_index()) return send_snapshot(context, peer, out);  // compacted away
  append_entries message;
  message.term = term_;
  message.previous_index = next - 1;
  message.previous_term = term_at(next - 1);
  message.commit = commit_;
  message.read_round = read_round_;
  // The in-flight window bounds what is sent beyond the follower's match;
  // a full window still sends the heartbeat, without entries.
  const std::uint64_t window_end = match_[peer] + options_.window_max;
  const std::uint64_t end =
      std::min({last_index(), next - 1 + options_.batch_max, std::max(window_end, next - 1)});
  for (std::uint64_t index = next; index <= end; ++index) message.entries.push_back(entry_at(index));
  // Replicating, the leader pipelines: it assumes success and sends the next
  // batch without waiting, and a refusal moves next_ back. Probing (after a
  // refusal, and at first), it sends one batch and waits for its answer.
  if ((probing_ & (std::uint64_t{1} << peer)) == 0) next_[peer] = end + 1;
  out.send(context.server(peer, group_), encode(message));
}

void raft_server::broadcast_append(const sim::step_context& context, sim::effects& out) {
  for (std::uint32_t peer = 0; peer < servers_; ++peer) {
    if (peer != self_) send_append(context, peer, out);
  }
  acknowledge_own_log(context, out);
}

// The leader's own copy counts toward a majority only once it is durable,
// as a follower's does. The leader answers itself: the kernel holds a
// message until the sender's earlier writes are synced, and drops it if the
// sender crashes first. Counting it at append time lost committed entries
// when a leader that was a quorum alone crashed inside its fsync (found by
// `syncsim shrink`: raft-restart-storm, seed 41, one server).
void raft_server::acknowledge_own_log(const sim::step_context& context, sim::effects& out) {
  if (role_ != role::leader || match_[self_] >= last_index()) return;
  out.send(context.server(self_, group_), encode(append_response{term_, true, last_index(), 0, 0}));
}

// A message from a leader: refused if its term is stale; otherwise this
// server follows it (one leader per term) and its lease starts again.
bool raft_server::heed_leader(const sim::step_context& context, sim::address leader, std::uint64_t term,
                              sim::effects& out) {
  if (term < term_) {
    out.send(leader, encode(append_response{term_, false, 0, 0, 0}));
    return false;
  }
  SYNCSIM_ASSERT(!(role_ == role::leader && term == term_));  // one leader per term
  become_follower(context, term, leader.process, out);
  leader_contact_ns_ = context.local_time_ns;
  return true;
}

void raft_server::on_append_entries(const sim::step_context& context, const sim::envelope& message,
                                    sim::effects& out) {
  const append_entries request = decode_append_entries(message);
  if (!heed_leader(context, message.from, request.term, out)) return;
  if (request.previous_index < first_index()) {
    // Entries up to the snapshot are committed, so they match the log of
    // any leader of this term; the leader continues after them.
    return out.send(message.from, encode(append_response{term_, true, commit_, request.read_round, 0}));
  }
  if (request.previous_index > last_index() || term_at(request.previous_index) != request.previous_term) {
    const std::uint64_t hint = std::min(last_index(), request.previous_index == 0 ? 0 : request.previous_index - 1);
    return out.send(message.from,
                    encode(append_response{term_, false, hint, request.read_round, request.previous_index}));
  }
  std::uint64_t index = request.previous_index;
  for (const log_entry& entry : request.entries) {
    index++;
    if (index <= last_index()) {
      // An entry that matches stays, even from a stale or duplicated
      // AppendEntries; only a conflict truncates.
      if (term_at(index) == entry.term && !options_.bugs.truncate_on_stale_append) continue;
      truncate_log(index - 1, out);
    }
    append_to_log(entry, out);
  }
  commit_ = std::max(commit_, std::min(request.commit, index));
  apply_committed(context, out);
  out.send(message.from, encode(append_response{term_, true, index, request.read_round, 0}));
}

void raft_server::on_append_response(const sim::step_context& context, const sim::envelope& message,
                                     sim::effects& out) {
  const append_response response = decode_append_response(message);
  if (response.term > term_) return become_follower(context, response.term, -1, out);
  if (role_ != role::leader || response.term != term_) return;
  const std::uint32_t peer = message.from.process;
  if (peer == self_) {
    SYNCSIM_ASSERT(response.success);
    SYNCSIM_ASSERT(response.index <= last_index());
    match_[self_] = std::max(match_[self_], response.index);
    return advance_commit(context, out);
  }
  active_ |= std::uint64_t{1} << peer;
  heard_ns_[peer] = context.local_time_ns;
  if (response.read_round > acked_round_[peer]) {
    acked_round_[peer] = response.read_round;
    serve_reads(context, out);
  }
  const std::uint64_t bit = std::uint64_t{1} << peer;
  if (response.success) {
    probing_ &= ~bit;
    match_[peer] = std::max(match_[peer], response.index);
    next_[peer] = std::max(next_[peer], match_[peer] + 1);
    advance_commit(context, out);
    if (next_[peer] <= last_index()) send_append(context, peer, out);
    return;
  }
  // A refusal of anything but the current probe is stale or duplicated and
  // changes nothing, so refusals cannot multiply (etcd-io/raft's probe
  // state). Otherwise back off to the follower's hint and probe there; a
  // probe that cannot go lower waits for the next heartbeat.
  const bool probing = (probing_ & bit) != 0;
  if (probing && response.rejected + 1 != next_[peer]) return;
  if (!probing && response.rejected < match_[peer]) return;
  probing_ |= bit;
  const std::uint64_t lowered =
      std::max<std::uint64_t>(match_[peer] + 1, std::min(response.rejected, response.index + 1));
  if (probing && lowered >= next_[peer]) return;
  next_[peer] = lowered;
  send_append(context, peer, out);
}

// The highest index replicated on a majority whose entry is of the current
// term (Figure 8: counting replicas of an older term's entry is unsafe).
void raft_server::advance_commit(const sim::step_context& context, sim::effects& out) {
  for (std::uint64_t index = last_index(); index > commit_; --index) {
    if (term_at(index) != term_ && !options_.bugs.commit_previous_term) break;
    std::uint64_t replicas = 0;
    for (std::uint32_t server = 0; server < servers_; ++server) {
      if (match_[server] >= index) replicas |= std::uint64_t{1} << server;
    }
    if (is_quorum(replicas)) {
      commit_ = index;
      apply_committed(context, out);
      // A leader that committed its own removal hands over (thesis 4.2.2).
      if (!is_member(self_) && config_index_ <= commit_) become_follower(context, term_, -1, out);
      return;
    }
  }
}

}  // namespace protocols::raft
