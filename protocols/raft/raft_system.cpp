#include "protocols/raft/raft_system.hpp"

#include "protocols/raft/raft_checkers.hpp"
#include "protocols/raft/kv_store.hpp"
#include "protocols/raft/raft_client.hpp"
#include "protocols/raft/raft_server.hpp"
#include "protocols/bug_switches.hpp"
#include "sim/json_walker.hpp"
#include "sim/shrink.hpp"
#include "sim/workload_draws.hpp"

namespace protocols::raft {
namespace {

// INVARIANTS.md, Raft, bugs 1 to 11, in its order: each switch, the checker
// meant to catch it, and what it breaks.
constexpr bug_switch<raft_bugs> bug_switches[] = {
    {"raft.commit_previous_term", &raft_bugs::commit_previous_term, "raft.log_safety",
     "a leader commits an entry of an earlier term by counting its replicas (section 5.4.2, Figure 8)"},
    {"raft.forget_vote", &raft_bugs::forget_vote, "raft.term_and_vote",
     "votedFor is not persisted, so a restarted server votes again in the same term"},
    {"raft.forget_term", &raft_bugs::forget_term, "raft.term_and_vote",
     "currentTerm is not persisted, so a restarted server goes back to term 0"},
    {"raft.split_term_and_vote", &raft_bugs::split_term_and_vote, "raft.term_and_vote",
     "term and vote in two writes and only the first waited for; a crash between them loses the vote"},
    {"raft.clear_vote_on_step_down", &raft_bugs::clear_vote_on_step_down, "raft.term_and_vote",
     "becoming a follower in the same term clears votedFor, so the server votes twice in that term"},
    {"raft.count_duplicate_votes", &raft_bugs::count_duplicate_votes, "raft.election_safety",
     "a duplicated vote response counts twice towards a majority"},
    {"raft.count_stale_votes", &raft_bugs::count_stale_votes, "raft.election_safety",
     "vote responses from an earlier candidacy (an older term) count in the current election"},
    {"raft.no_log_check", &raft_bugs::no_log_check, "raft.log_safety",
     "RequestVote is granted without the up-to-date log check (section 5.4.1)"},
    {"raft.truncate_on_stale_append", &raft_bugs::truncate_on_stale_append, "raft.log_safety",
     "a follower truncates its log at a stale AppendEntries whose entries match, losing committed entries"},
    {"raft.read_without_quorum", &raft_bugs::read_without_quorum, "raft.linearizable",
     "a leader answers reads from its own state without confirming it still leads (no ReadIndex round)"},
    {"raft.no_prevote", &raft_bugs::no_prevote, "raft.progress",
     "neither PreVote nor CheckQuorum: a server behind a flaky link keeps deposing healthy leaders"},
};

// The scenario's workload section, read again for each run so that the
// knobs it leaves open are drawn from that run's seed.
struct workload_source {
  std::string json;
  std::string file;
  sim::time_ns safety_end_ns = 0;
};

workload_options parse_workload(const workload_source& source, sim::workload_draws& draws);

class raft_system final : public sim::system {
 public:
  raft_system(const raft_options& options, workload_source workload)
      : options_(options), workload_(std::move(workload)) {}
  std::uint16_t server_instances() const override { return options_.groups; }
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t instance,
                                          const sim::cluster_shape&) const override {
    return std::make_unique<raft_server>(options_, instance, std::make_unique<kv_store>());
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t, std::uint16_t, const sim::cluster_shape& shape) const override {
    sim::workload_draws draws(shape.seed);
    return std::make_unique<raft_client>(parse_workload(workload_, draws), options_.groups);
  }
  std::string describe(sim::address, const sim::envelope& message) const override { return raft::describe(message); }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape& shape) const override {
    return make_raft_checkers(shape, options_.groups, 4 * options_.election_timeout_max_ns);
  }

 private:
  raft_options options_;
  workload_source workload_;
};

raft_options parse_options(const sim::scenario& input, const std::set<std::string>& bugs) {
  sim::json_section section(input.protocol_options_json, input.source_file, "/protocol/options");
  sim::json_object& reader = section.reader();
  raft_options options = read_raft_options(reader, input);
  reader.finish();
  options.bugs = bugs_turned_on<raft_bugs>(bug_switches, bugs);
  return options;
}

workload_source source_of(const sim::scenario& input) { return {input.workload_json, input.source_file, input.duration_ns}; }

constexpr std::uint32_t keys_max = 1000;

// Every numeric knob may be a range, drawn per run (swarm testing).
workload_options parse_workload(const workload_source& source, sim::workload_draws& draws) {
  workload_options workload;
  sim::json_section section(source.json, source.file, "/workload");
  sim::json_object& reader = section.reader();
  draws.read_count(reader, "keys", workload.keys, 1, keys_max);
  draws.read_count(reader, "values", workload.values, 1, 1'000'000);
  draws.read_count(reader, "read_percent", workload.read_percent, 0, 100);
  draws.read_duration(reader, "request_interval", workload.request_interval_ns, sim::millisecond, 60 * sim::second);
  draws.read_duration(reader, "request_timeout", workload.request_timeout_ns, sim::millisecond, 60 * sim::second);
  draws.read_count(reader, "attempts", workload.attempts, 1, 100);
  draws.read_integer(reader, "operations_max", workload.operations_max, std::uint64_t{1} << 40);
  workload.safety_end_ns = source.safety_end_ns;
  reader.finish();
  return workload;
}

// The fewest keys any seed may draw; checked against the groups once, at
// configuration.
std::uint32_t keys_minimum(const sim::scenario& input) {
  sim::json_section section(input.workload_json, input.source_file, "/workload");
  sim::json_object& reader = section.reader();
  return reader.count_range("keys", sim::range<std::uint32_t>::exactly(workload_options{}.keys), 1, keys_max).minimum;
}

class raft_family final : public sim::system_definition {
 public:
  std::string name() const override { return "raft"; }
  std::string summary() const override {
    return "Raft consensus replicating a key-value store (read, write, cas) with client sessions";
  }
  std::vector<sim::checker_description> checkers() const override { return raft_checker_descriptions(); }
  std::vector<sim::bug_description> bugs() const override {
    return describe_bugs<raft_bugs>(bug_switches);
  }
  std::shared_ptr<const sim::system> configure(const sim::scenario& input,
                                               const std::set<std::string>& bugs) const override {
    const raft_options options = parse_options(input, bugs);
    sim::workload_draws validation(0);
    parse_workload(source_of(input), validation);  // every error here, not in the middle of a run
    const std::uint32_t keys = keys_minimum(input);
    if (keys < options.groups) {
      throw sim::scenario_error(input.source_file, "/workload/keys",
                                "every Raft group needs a key: " + std::to_string(options.groups) + " groups but " +
                                    std::to_string(keys) + " keys");
    }
    return std::make_shared<raft_system>(options, source_of(input));
  }
  std::vector<std::string> simpler_workloads(const sim::scenario& input,
                                             std::uint64_t operations_per_client_max) const override {
    sim::workload_draws draws(input.seed.value_or(0));
    const workload_options current = parse_workload(source_of(input), draws);
    std::vector<std::string> result;
    for (const std::uint64_t cap : sim::operation_caps(operations_per_client_max, current.operations_max)) {
      result.push_back(sim::json_with_value(input.workload_json, "operations_max", std::to_string(cap)));
    }
    return result;
  }
  std::string explicit_workload(const sim::scenario& input, std::uint64_t seed) const override {
    sim::workload_draws draws(seed);
    parse_workload(source_of(input), draws);
    return sim::workload_with_draws(input.workload_json, draws);
  }
  std::vector<std::string> quieter_options(const sim::scenario& input) const override {
    return quieter_raft_options(input);
  }
};

}  // namespace

raft_options read_raft_options(sim::json_object& reader, const sim::scenario& input) {
  raft_options options;
  const sim::range<sim::time_ns> election = reader.duration_range(
      "election_timeout", {options.election_timeout_min_ns, options.election_timeout_max_ns}, sim::millisecond,
      60 * sim::second);
  options.election_timeout_min_ns = election.minimum;
  options.election_timeout_max_ns = election.maximum;
  options.heartbeat_ns = reader.duration("heartbeat", options.heartbeat_ns, sim::millisecond, 10 * sim::second);
  options.batch_max = static_cast<std::uint32_t>(reader.integer("batch_max", options.batch_max, 1, 10'000));
  options.window_max = static_cast<std::uint32_t>(reader.integer("window_max", options.window_max, 1, 1'000'000));
  options.groups = static_cast<std::uint16_t>(reader.integer("groups", options.groups, 1, 16));
  options.members = static_cast<std::uint32_t>(reader.integer("members", options.members, 0, 64));
  options.member_timeout_ns = reader.duration("member_timeout", options.member_timeout_ns, 0, 600 * sim::second);
  options.members_min = static_cast<std::uint32_t>(reader.integer("members_min", options.members_min, 1, 64));
  options.snapshot_entries =
      static_cast<std::uint32_t>(reader.integer("snapshot_entries", options.snapshot_entries, 0, 1'000'000));
  options.leader_noop = reader.boolean("leader_noop", options.leader_noop);
  options.relay_replies = reader.boolean("relay_replies", options.relay_replies);
  if (options.heartbeat_ns >= options.election_timeout_min_ns) {
    throw sim::scenario_error(input.source_file, "/protocol/options/heartbeat",
                              "the heartbeat must be shorter than the smallest election timeout");
  }
  return options;
}

// Heartbeats are most of a quiet Raft run's events: a third and a half of
// the shortest election timeout still keep a healthy leader's followers.
std::vector<std::string> quieter_raft_options(const sim::scenario& input) {
  sim::json_section section(input.protocol_options_json, input.source_file, "/protocol/options");
  const raft_options current = read_raft_options(section.reader(), input);
  std::vector<std::string> result;
  for (const sim::time_ns heartbeat : {current.election_timeout_min_ns / 2, current.election_timeout_min_ns / 3}) {
    if (heartbeat <= current.heartbeat_ns) continue;
    result.push_back(
        sim::json_with_value(input.protocol_options_json, "heartbeat", "\"" + sim::format_duration(heartbeat) + "\""));
  }
  return result;
}

const sim::system_definition& raft_definition() {
  static const raft_family definition;
  return definition;
}

}  // namespace protocols::raft
