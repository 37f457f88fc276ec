#include "protocols/lock/lock_system.hpp"

#include "protocols/lock/lock_checkers.hpp"
#include "protocols/lock/lock_client.hpp"
#include "protocols/lock/lock_latency.hpp"
#include "protocols/lock/lock_resource.hpp"
#include "protocols/lock/lock_table.hpp"
#include "protocols/raft/raft_checkers.hpp"
#include "protocols/raft/raft_system.hpp"
#include "protocols/bug_switches.hpp"
#include "sim/json_walker.hpp"
#include "sim/shrink.hpp"
#include "sim/workload_draws.hpp"

namespace protocols::lock {
namespace {

// INVARIANTS.md, lock manager, bugs 1 to 9, in its order.
constexpr bug_switch<lock_bugs> bug_switches[] = {
    {"lock.exclusive_beside_shared", &lock_bugs::exclusive_beside_shared, "lock.replicated_state",
     "an exclusive request is granted while shared holders remain"},
    {"lock.no_session_dedup", &lock_bugs::no_session_dedup, "lock.replicated_state",
     "a retried acquire is applied again: the client waits twice or is granted twice"},
    {"lock.token_per_leader", &lock_bugs::token_per_leader, "lock.replicated_state",
     "fencing tokens come from a counter that starts again at each new leader"},
    {"lock.local_clock_expiry", &lock_bugs::local_clock_expiry, "raft.log_safety",
     "each replica expires leases by its own clock inside apply, so replicas diverge"},
    {"lock.follower_grants", &lock_bugs::follower_grants, "lock.fencing",
     "a follower grants a lock from its own copy of the table without the leader"},
    {"lock.renew_without_token", &lock_bugs::renew_without_token, "lock.replicated_state",
     "a renewal is not checked against the holder's token and restores a lost holding"},
    {"lock.barging", &lock_bugs::barging, "lock.replicated_state",
     "a compatible request is granted past an earlier conflicting one in the queue"},
    {"lock.no_waiter_edges", &lock_bugs::no_waiter_edges, "lock.deadlock",
     "the wait-for graph lacks waiter-to-earlier-waiter edges, so deadlocks through a queue go undetected"},
    {"lock.abort_unverified", &lock_bugs::abort_unverified, "lock.deadlock",
     "a deadlock abort is applied without checking that the cycle still exists"},
};

// The scenario's workload section, read again for each run so that the
// knobs it leaves open are drawn from that run's seed.
struct workload_source {
  std::string json;
  std::string file;
  sim::time_ns safety_end_ns = 0;
};

workload_source source_of(const sim::scenario& input) { return {input.workload_json, input.source_file, input.duration_ns}; }

// Every numeric knob may be a range, drawn per run (swarm testing).
lock_workload parse_workload(const workload_source& source, sim::workload_draws& draws) {
  lock_workload workload;
  sim::json_section section(source.json, source.file, "/workload");
  sim::json_object& reader = section.reader();
  const std::string kind = reader.text("kind", "random");
  if (kind != "random" && kind != "ordered" && kind != "conversion") {
    reader.fail("kind", "expected \"random\", \"ordered\" or \"conversion\", found \"" + kind + "\"");
  }
  workload.kind = kind == "random"    ? lock_workload_kind::random
                  : kind == "ordered" ? lock_workload_kind::ordered
                                      : lock_workload_kind::conversion;
  draws.read_count(reader, "locks", workload.locks, 1, 1000);
  draws.read_count(reader, "locks_per_transaction_max", workload.locks_per_transaction_max, 1, 16);
  draws.read_count(reader, "shared_percent", workload.shared_percent, 0, 100);
  draws.read_count(reader, "try_percent", workload.try_percent, 0, 100);
  draws.read_duration(reader, "think", workload.think_ns, sim::millisecond, 60 * sim::second);
  draws.read_duration(reader, "hold", workload.hold_ns, 0, 60 * sim::second);
  draws.read_duration(reader, "wait", workload.wait_ns, sim::millisecond, 600 * sim::second);
  draws.read_duration(reader, "lease", workload.lease_ns, 0, 600 * sim::second);
  draws.read_duration(reader, "request_timeout", workload.request_timeout_ns, sim::millisecond, 60 * sim::second);
  draws.read_count(reader, "attempts", workload.attempts, 1, 100);
  workload.resource = reader.boolean("resource", workload.resource);
  draws.read_count(reader, "via_follower_percent", workload.via_follower_percent, 0, 100);
  workload.latency_report = reader.boolean("latency_report", workload.latency_report);
  draws.read_integer(reader, "transactions_max", workload.transactions_max, std::uint64_t{1} << 40);
  workload.safety_end_ns = source.safety_end_ns;
  reader.finish();
  return workload;
}

lock_workload workload_for(const workload_source& source, std::uint64_t seed) {
  sim::workload_draws draws(seed);
  return parse_workload(source, draws);
}

class lock_system final : public sim::system {
 public:
  lock_system(const raft::raft_options& raft, const lock_bugs& bugs, const lock_timing& timing,
              workload_source workload, sim::time_ns deadlock_bound_ns)
      : raft_(raft), bugs_(bugs), timing_(timing), workload_(std::move(workload)), deadlock_bound_ns_(deadlock_bound_ns) {}
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t instance,
                                          const sim::cluster_shape&) const override {
    return std::make_unique<raft::raft_server>(raft_, instance, std::make_unique<lock_table>(bugs_, timing_));
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t index, std::uint16_t,
                                          const sim::cluster_shape& shape) const override {
    const lock_workload workload = workload_for(workload_, shape.seed);
    const bool has_resource = workload.resource && shape.clients >= 2;
    if (has_resource && index == shape.clients - 1) return std::make_unique<lock_resource>();
    const std::int64_t resource = has_resource ? static_cast<std::int64_t>(shape.servers + shape.clients - 1) : -1;
    return std::make_unique<lock_client>(workload, resource);
  }
  std::string describe(sim::address, const sim::envelope& message) const override {
    if (is_write(message)) return describe_write(message);
    return raft::describe(message);
  }
  std::string report(const sim::world& state) const override {
    return workload_for(workload_, state.config().seed).latency_report ? latency_report(state) : std::string();
  }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape& shape) const override {
    const bool leases = workload_for(workload_, shape.seed).lease_ns > 0;
    auto result = raft::make_consensus_checkers(shape, 1);
    for (auto& item : make_lock_checkers(shape, deadlock_bound_ns_, leases)) result.push_back(std::move(item));
    return result;
  }

 private:
  raft::raft_options raft_;
  lock_bugs bugs_;
  lock_timing timing_;
  workload_source workload_;
  sim::time_ns deadlock_bound_ns_;
};

class lock_family final : public sim::system_definition {
 public:
  std::string name() const override { return "lock"; }
  std::string summary() const override {
    return "a lock manager replicated through Raft: shared and exclusive locks, leases, fencing tokens, deadlock "
           "detection";
  }
  std::vector<sim::checker_description> checkers() const override {
    auto result = raft::consensus_checker_descriptions();
    for (auto& item : lock_checker_descriptions()) result.push_back(std::move(item));
    return result;
  }
  std::vector<sim::bug_description> bugs() const override {
    return describe_bugs<lock_bugs>(bug_switches);
  }
  std::shared_ptr<const sim::system> configure(const sim::scenario& input,
                                               const std::set<std::string>& bugs) const override {
    sim::json_section section(input.protocol_options_json, input.source_file, "/protocol/options");
    sim::json_object& reader = section.reader();
    const raft::raft_options raft = raft::read_raft_options(reader, input);
    lock_timing timing;
    timing.detection_period_ns =
        reader.duration("detection_period", timing.detection_period_ns, sim::millisecond, 60 * sim::second);
    timing.repropose_ns = reader.duration("repropose", timing.repropose_ns, sim::millisecond, 60 * sim::second);
    const sim::time_ns bound_ns = reader.duration("deadlock_bound", 2 * sim::second, sim::millisecond, 600 * sim::second);
    reader.finish();
    if (raft.groups != 1) throw sim::scenario_error(input.source_file, "/protocol/options/groups", "the lock manager runs one Raft group");
    const lock_bugs flags = bugs_turned_on<lock_bugs>(bug_switches, bugs);
    const workload_source workload = source_of(input);
    workload_for(workload, 0);  // every error here, not in the middle of a run
    return std::make_shared<lock_system>(raft, flags, timing, workload, bound_ns);
  }
  std::string explicit_workload(const sim::scenario& input, std::uint64_t seed) const override {
    sim::workload_draws draws(seed);
    parse_workload(source_of(input), draws);
    return sim::workload_with_draws(input.workload_json, draws);
  }
  // Fewer transactions (the shrinker counts operations, an upper bound on
  // transactions), then a plainer mix: one lock per transaction, no
  // try-locks, nothing through followers, fewer locks.
  std::vector<std::string> simpler_workloads(const sim::scenario& input,
                                             std::uint64_t operations_per_client_max) const override {
    const lock_workload current = workload_for(source_of(input), input.seed.value_or(0));
    std::vector<std::string> result;
    for (const std::uint64_t cap : sim::operation_caps(operations_per_client_max, current.transactions_max)) {
      result.push_back(sim::json_with_value(input.workload_json, "transactions_max", std::to_string(cap)));
    }
    const auto fewer = [&](const char* key, std::uint32_t value, std::uint32_t simpler) {
      if (value > simpler) result.push_back(sim::json_with_value(input.workload_json, key, std::to_string(simpler)));
    };
    fewer("locks_per_transaction_max", current.locks_per_transaction_max, 1);
    fewer("try_percent", current.try_percent, 0);
    fewer("via_follower_percent", current.via_follower_percent, 0);
    fewer("locks", current.locks, 1);
    if (current.locks > 2) fewer("locks", current.locks, current.locks - 1);
    return result;
  }
  std::vector<std::string> quieter_options(const sim::scenario& input) const override {
    return raft::quieter_raft_options(input);
  }
};

}  // namespace

const sim::system_definition& lock_definition() {
  static const lock_family definition;
  return definition;
}

}  // namespace protocols::lock
