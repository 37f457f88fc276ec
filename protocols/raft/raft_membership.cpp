// Raft membership, one server at a time (Ongaro's thesis, section 4.1): a
// configuration is a log entry "config MASK" and takes effect as soon as it
// is appended; a leader proposes the next only once the previous one and an
// entry of its own term are committed. Every server always receives the
// log; only voters count towards a majority. This is the seed's node failure
// recovery: the leader detects a silent voter, removes it, keeps replicating
// to it, and promotes it again once it answers and has caught up.
#include <bit>
#include <string>
#include <tuple>

#include "protocols/raft/raft_server.hpp"

namespace protocols::raft {

bool is_configuration(const log_entry& entry) {
  return entry.sequence == 0 && entry.command.starts_with(config_prefix);
}

namespace {

std::uint64_t parse_configuration(const log_entry& entry) {
  return std::stoull(entry.command.substr(std::string(config_prefix).size()));
}

}  // namespace

bool raft_server::is_quorum(std::uint64_t servers) const {
  const auto voters = static_cast<std::uint32_t>(std::popcount(config_));
  const auto present = static_cast<std::uint32_t>(std::popcount(servers & config_));
  return present * 2 > voters;
}

// After a restart, a truncation or a snapshot: the latest configuration left.
void raft_server::recompute_configuration() { std::tie(config_, config_index_) = configuration_at(last_index()); }

std::pair<std::uint64_t, std::uint64_t> raft_server::configuration_at(std::uint64_t index) const {
  SYNCSIM_ASSERT(index >= first_index());
  SYNCSIM_ASSERT(index <= last_index());
  for (; index > first_index(); --index) {
    if (is_configuration(entry_at(index))) return {parse_configuration(entry_at(index)), index};
  }
  if (first_index() > 0) return {snapshot_.config, first_index()};
  const std::uint32_t initial = options_.members == 0 ? servers_ : std::min(options_.members, servers_);
  return {initial == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << initial) - 1, 0};
}

void raft_server::propose_configuration(const sim::step_context& context, std::uint64_t members, sim::effects& out) {
  SYNCSIM_ASSERT(role_ == role::leader);
  SYNCSIM_ASSERT(std::popcount(members ^ config_) == 1);  // one server per change
  append_to_log({term_, config_prefix + std::to_string(members), 0, 0}, out);
  broadcast_append(context, out);
}

// Runs on the leader's heartbeat: at most one change, and only from a
// committed configuration in a term whose own entry is committed.
void raft_server::manage_membership(const sim::step_context& context, sim::effects& out) {
  if (options_.member_timeout_ns == 0 || config_index_ > commit_ || term_at(commit_) != term_) return;
  const sim::time_ns now = context.local_time_ns;
  for (std::uint32_t peer = 0; peer < servers_; ++peer) {
    if (peer == self_) continue;
    const bool silent = now - heard_ns_[peer] > options_.member_timeout_ns;
    const std::uint64_t bit = std::uint64_t{1} << peer;
    if (is_member(peer) && silent && static_cast<std::uint32_t>(std::popcount(config_)) > options_.members_min) {
      return propose_configuration(context, config_ & ~bit, out);
    }
    if (!is_member(peer) && !silent && match_[peer] >= commit_) {
      return propose_configuration(context, config_ | bit, out);
    }
  }
}

}  // namespace protocols::raft
