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

class lock_system final : public sim::system {
 public:
  lock_system(const raft::raft_options& raft, const lock_bugs& bugs, const lock_timing& timing,
              const lock_workload& workload, sim::time_ns deadlock_bound_ns)
      : raft_(raft), bugs_(bugs), timing_(timing), workload_(workload), deadlock_bound_ns_(deadlock_bound_ns) {}
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t instance,
                                          const sim::cluster_shape&) const override {
    return std::make_unique<raft::raft_server>(raft_, instance, std::make_unique<lock_table>(bugs_, timing_));
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t index, std::uint16_t,
                                          const sim::cluster_shape& shape) const override {
    const bool has_resource = workload_.resource && shape.clients >= 2;
    if (has_resource && index == shape.clients - 1) return std::make_unique<lock_resource>();
    const std::int64_t resource = has_resource ? static_cast<std::int64_t>(shape.servers + shape.clients - 1) : -1;
    return std::make_unique<lock_client>(workload_, resource);
  }
  std::string describe(sim::address, const sim::envelope& message) const override {
    if (is_write(message)) return describe_write(message);
    return raft::describe(message);
  }
  std::string report(const sim::world& state) const override {
    return workload_.latency_report ? latency_report(state) : std::string();
  }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape& shape) const override {
    auto result = raft::make_consensus_checkers(shape, 1);
    for (auto& item : make_lock_checkers(shape, deadlock_bound_ns_, workload_.lease_ns > 0)) result.push_back(std::move(item));
    return result;
  }

 private:
  raft::raft_options raft_;
  lock_bugs bugs_;
  lock_timing timing_;
  lock_workload workload_;
  sim::time_ns deadlock_bound_ns_;
};

lock_workload parse_workload(const sim::scenario& input) {
  lock_workload workload;
  sim::json_section section(input.workload_json, input.source_file, "/workload");
  sim::json_object& reader = section.reader();
  const std::string kind = reader.text("kind", "random");
  if (kind != "random" && kind != "ordered" && kind != "conversion") {
    reader.fail("kind", "expected \"random\", \"ordered\" or \"conversion\", found \"" + kind + "\"");
  }
  workload.kind = kind == "random"    ? lock_workload_kind::random
                  : kind == "ordered" ? lock_workload_kind::ordered
                                      : lock_workload_kind::conversion;
  workload.locks = static_cast<std::uint32_t>(reader.integer("locks", workload.locks, 1, 1000));
  workload.locks_per_transaction_max = static_cast<std::uint32_t>(
      reader.integer("locks_per_transaction_max", workload.locks_per_transaction_max, 1, 16));
  workload.shared_percent = static_cast<std::uint32_t>(reader.integer("shared_percent", workload.shared_percent, 0, 100));
  workload.try_percent = static_cast<std::uint32_t>(reader.integer("try_percent", workload.try_percent, 0, 100));
  workload.think_ns = reader.duration("think", workload.think_ns, sim::millisecond, 60 * sim::second);
  workload.hold_ns = reader.duration("hold", workload.hold_ns, 0, 60 * sim::second);
  workload.wait_ns = reader.duration("wait", workload.wait_ns, sim::millisecond, 600 * sim::second);
  workload.lease_ns = reader.duration("lease", workload.lease_ns, 0, 600 * sim::second);
  workload.request_timeout_ns =
      reader.duration("request_timeout", workload.request_timeout_ns, sim::millisecond, 60 * sim::second);
  workload.attempts = static_cast<std::uint32_t>(reader.integer("attempts", workload.attempts, 1, 100));
  workload.resource = reader.boolean("resource", workload.resource);
  workload.via_follower_percent =
      static_cast<std::uint32_t>(reader.integer("via_follower_percent", workload.via_follower_percent, 0, 100));
  workload.latency_report = reader.boolean("latency_report", workload.latency_report);
  reader.finish();
  return workload;
}

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
    return std::make_shared<lock_system>(raft, flags, timing, parse_workload(input), bound_ns);
  }
};

}  // namespace

const sim::system_definition& lock_definition() {
  static const lock_family definition;
  return definition;
}

}  // namespace protocols::lock
