#include "protocols/raft/raft_checkers.hpp"

#include <map>

#include "protocols/raft/raft_server.hpp"
#include "sim/linearizability.hpp"
#include "sim/hash.hpp"
#include "sim/world.hpp"

namespace protocols::raft {
namespace {

const raft_server* server_at(const sim::world& state, std::uint32_t server, std::uint16_t group) {
  return state.actor_as<raft_server>({server, group});
}

std::string name_of(const sim::world& state, std::uint32_t server) { return state.process(server).name; }

// Election safety: at most one leader per term, over the whole run.
class election_safety final : public sim::checker {
 public:
  election_safety(std::uint16_t group, std::string label) : group_(group), label_(std::move(label)) {}
  std::string_view name() const override { return "raft.election_safety"; }
  sim::checker_kind kind() const override { return sim::checker_kind::invariant; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<election_safety>(*this); }
  std::optional<std::string> check_basic(const sim::world& state) override {
    for (std::uint32_t server = 0; server < state.config().servers; ++server) {
      const raft_server* actor = server_at(state, server, group_);
      if (actor == nullptr || actor->current_role() != role::leader) continue;
      const auto [known, inserted] = leaders_.emplace(actor->term(), server);
      if (!inserted && known->second != server) {
        return label_ + "two leaders in term " + std::to_string(actor->term()) + ": " + name_of(state, known->second) +
               " and " + name_of(state, server);
      }
    }
    return std::nullopt;
  }

 private:
  std::uint16_t group_;
  std::string label_;
  std::map<std::uint64_t, std::uint32_t> leaders_;
};

// Across restarts, on what left each server: its term never falls below a
// term it already sent (so term and vote were durable before sending), and
// it grants at most one vote per term. In-memory changes a crash erased
// before anything was sent are not visible to anyone and do not count.
class term_and_vote final : public sim::checker {
 public:
  term_and_vote(std::uint32_t servers, std::uint16_t group, std::string label)
      : group_(group), label_(std::move(label)), sent_term_(servers, 0), incarnation_term_(servers) {}
  std::string_view name() const override { return "raft.term_and_vote"; }
  sim::checker_kind kind() const override { return sim::checker_kind::invariant; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<term_and_vote>(*this); }
  bool observes_records() const override { return true; }

  std::optional<std::string> observe(const sim::world& state, const sim::trace_record& record) override {
    const bool left_the_sender = record.kind == sim::record_kind::deliver ||
                                 (record.kind == sim::record_kind::drop && record.text != "sender crashed before sending");
    if (!left_the_sender || record.message_channel != sim::channel::peer) return std::nullopt;
    if (record.from.instance != group_) return std::nullopt;  // another group's message
    if (record.from.process >= sent_term_.size() || record.payload.size() < 9) return std::nullopt;
    if (sim::hash_bytes(record.payload) != record.detail) return std::nullopt;  // corrupted in flight
    const sim::envelope message{record.from, record.message_channel, record.message_id, record.payload};
    const message_type type = type_of(message);
    // A PreVote carries the term its sender might stand in, not its own.
    if (type == message_type::client_request || type == message_type::client_reply ||
        type == message_type::relayed_reply) {
      return std::nullopt;  // client traffic carries no term
    }
    if (type == message_type::pre_vote) return std::nullopt;
    sim::byte_reader reader(record.payload.data() + 1, record.payload.size() - 1);
    const std::uint64_t term = reader.u64();
    sent_term_[record.from.process] = std::max(sent_term_[record.from.process], term);
    // A RequestVote is its sender's vote for itself; a granted vote, for
    // the server it goes to.
    if (type == message_type::request_vote) return record_vote(state, record.from.process, term, record.from.process);
    if (type == message_type::vote && decode_vote(message).granted) {
      return record_vote(state, record.from.process, term, record.to.process);
    }
    return std::nullopt;
  }

  std::optional<std::string> check_delta(const sim::world& state) override {
    for (std::uint32_t server = 0; server < sent_term_.size(); ++server) {
      const raft_server* actor = server_at(state, server, group_);
      if (actor == nullptr) continue;
      if (actor->term() < sent_term_[server]) {
        return label_ + name_of(state, server) + "'s term " + std::to_string(actor->term()) +
               " is below term " + std::to_string(sent_term_[server]) + " it already sent";
      }
      auto& [incarnation, term] = incarnation_term_[server];
      const std::uint64_t current = state.process(server).incarnation;
      if (incarnation == current && actor->term() < term) {
        return label_ + name_of(state, server) + "'s term went back from " + std::to_string(term) + " to " +
               std::to_string(actor->term());
      }
      incarnation = current;
      term = actor->term();
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> record_vote(const sim::world& state, std::uint32_t voter, std::uint64_t term,
                                         std::uint32_t candidate) {
    const auto [known, inserted] = granted_.emplace(std::make_pair(voter, term), candidate);
    if (inserted || known->second == candidate) return std::nullopt;
    return label_ + name_of(state, voter) + " voted twice in term " + std::to_string(term) + ": for " +
           name_of(state, known->second) + " and for " + name_of(state, candidate);
  }

  std::uint16_t group_;
  std::string label_;
  std::vector<std::uint64_t> sent_term_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> incarnation_term_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> granted_;
};

}  // namespace

std::unique_ptr<sim::checker> make_log_checker(std::uint32_t servers, std::uint16_t group, const std::string& label);
std::unique_ptr<sim::checker> make_history_checker();
std::unique_ptr<sim::checker> make_progress_checker(sim::time_ns stable_ns, std::uint16_t group, std::uint16_t groups,
                                                    const std::string& label);

std::vector<sim::checker_description> consensus_checker_descriptions() {
  return {
      {"raft.election_safety", sim::checker_kind::invariant, "at most one leader per term"},
      {"raft.term_and_vote", sim::checker_kind::invariant,
       "across restarts, a server's term never falls below a term it sent, and it grants one vote per term"},
      {"raft.log_safety", sim::checker_kind::invariant,
       "log matching by chain hash, leader append-only, leader completeness and state machine safety against a "
       "ledger of committed entries"},
  };
}

std::vector<sim::checker_description> raft_checker_descriptions() {
  std::vector<sim::checker_description> result = consensus_checker_descriptions();
  result.insert(result.end(), {
      {"raft.linearizable", sim::checker_kind::history, "the client history is linearizable per key"},
      {"raft.progress", sim::checker_kind::liveness,
       "after the heal, one leader holds its term for four election timeouts and client operations complete"},
  });
  return result;
}

std::vector<std::unique_ptr<sim::checker>> make_consensus_checkers(const sim::cluster_shape& shape, std::uint16_t groups) {
  std::vector<std::unique_ptr<sim::checker>> result;
  for (std::uint16_t group = 0; group < groups; ++group) {
    const std::string label = groups == 1 ? "" : "group " + std::to_string(group) + ": ";
    result.push_back(std::make_unique<election_safety>(group, label));
    result.push_back(std::make_unique<term_and_vote>(shape.servers, group, label));
    result.push_back(make_log_checker(shape.servers, group, label));
  }
  return result;
}

// One set of invariant and liveness checkers per group (their messages name
// the group when there are several); one history checker over every key.
std::vector<std::unique_ptr<sim::checker>> make_raft_checkers(const sim::cluster_shape& shape, std::uint16_t groups,
                                                             sim::time_ns stable_leader_ns) {
  std::vector<std::unique_ptr<sim::checker>> result = make_consensus_checkers(shape, groups);
  result.push_back(make_history_checker());
  for (std::uint16_t group = 0; group < groups; ++group) {
    const std::string label = groups == 1 ? "" : "group " + std::to_string(group) + ": ";
    result.push_back(make_progress_checker(stable_leader_ns, group, groups, label));
  }
  return result;
}

}  // namespace protocols::raft
