// Faults in the world: partitions cut exactly the links they name, a crash
// under everysec loses exactly the unsynced writes, drift changes how often
// timers fire.
#include "doctest/doctest.h"
#include "test/probe_system.hpp"

using test_support::probe_config;
using test_support::recording_observer;

namespace {

sim::fault_spec fault(sim::time_ns at, sim::fault_kind kind, std::vector<std::string> targets,
                      std::vector<std::vector<std::string>> groups = {}) {
  sim::fault_spec result;
  result.at_ns = at;
  result.kind = kind;
  result.targets = std::move(targets);
  result.groups = std::move(groups);
  return result;
}

recording_observer run_probe(const sim::run_config& config, sim::time_ns period = 10 * sim::millisecond) {
  recording_observer observer;
  sim::simulation run(config, std::make_shared<test_support::probe_system>(period));
  run.set_observer(&observer);
  CHECK(run.run().passed());
  return observer;
}

}  // namespace

TEST_CASE("a partition between groups cuts exactly the links between them, then heals") {
  auto config = probe_config(4, 3 * sim::second);
  auto split = fault(sim::second, sim::fault_kind::partition, {}, {{"n0", "n1"}, {"n2", "n3"}});
  split.duration_ns = sim::second;
  config.faults = {split};
  const recording_observer observer = run_probe(config);
  const sim::time_ns begin = sim::second + 5 * sim::millisecond;
  const sim::time_ns end = 2 * sim::second;
  for (std::uint32_t from = 0; from < 4; ++from) {
    for (std::uint32_t to = 0; to < 4; ++to) {
      if (from == to) continue;
      const bool same_side = (from < 2) == (to < 2);
      CAPTURE(from);
      CAPTURE(to);
      CHECK((observer.deliveries(from, to, begin, end) > 0) == same_side);
      CHECK(observer.deliveries(from, to, end + 5 * sim::millisecond, 3 * sim::second) > 0);
    }
  }
}

TEST_CASE("a one-way partition cuts one direction only") {
  auto config = probe_config(2, 2 * sim::second);
  config.faults = {fault(sim::second, sim::fault_kind::partition_one_way, {}, {{"n0"}, {"n1"}})};
  const recording_observer observer = run_probe(config);
  const sim::time_ns begin = sim::second + 5 * sim::millisecond;
  CHECK(observer.deliveries(0, 1, begin, 2 * sim::second) == 0);
  CHECK(observer.deliveries(1, 0, begin, 2 * sim::second) > 0);
}

TEST_CASE("isolating a node cuts all its links and no others") {
  auto config = probe_config(3, 2 * sim::second);
  config.faults = {fault(sim::second, sim::fault_kind::isolate, {"n2"})};
  const recording_observer observer = run_probe(config);
  const sim::time_ns begin = sim::second + 5 * sim::millisecond;
  CHECK(observer.deliveries(0, 2, begin, 2 * sim::second) == 0);
  CHECK(observer.deliveries(2, 1, begin, 2 * sim::second) == 0);
  CHECK(observer.deliveries(0, 1, begin, 2 * sim::second) > 0);
  CHECK(observer.deliveries(1, 0, begin, 2 * sim::second) > 0);
}

TEST_CASE("a crash under everysec loses exactly the writes after the last fsync") {
  // The probe writes its counter every 100ms without fsync: 1 at 100ms, 2 at
  // 200ms, ... The background fsync at 1s makes counter 9 (written at 900ms)
  // durable; a write at 1.0s itself waits for the fsync at 2s. So 10 to 14
  // (1.0s to 1.4s) are lost by the crash at 1.45s.
  auto config = probe_config(1, 3 * sim::second);
  auto crash = fault(1450 * sim::millisecond, sim::fault_kind::crash, {"n0"});
  crash.duration_ns = 100 * sim::millisecond;
  config.faults = {crash};
  sim::simulation run(config, std::make_shared<test_support::probe_system>(100 * sim::millisecond));
  while (run.state().now() < 1600 * sim::millisecond && run.step()) {
  }
  const auto* restarted = run.state().actor_as<test_support::probe_actor>({0, 0});
  REQUIRE(restarted != nullptr);
  CHECK(restarted->recovered() == 9);
  CHECK(run.state().process(0).incarnation == 1);
  CHECK(run.state().process(0).storage.statistics().writes_lost == 5);
}

TEST_CASE("clock drift changes how often a node's timers fire, by the configured rate") {
  auto config = probe_config(2, 10 * sim::second);
  config.drift_ppm = {0, 100'000};  // n1's clock runs 10% fast
  const recording_observer observer = run_probe(config, 100 * sim::millisecond);
  std::size_t exact = 0;
  std::size_t fast = 0;
  for (const auto& item : observer.records) {
    if (item.kind != sim::record_kind::timer) continue;
    (item.to.process == 0 ? exact : fast)++;
  }
  CHECK(exact == 100);
  // Each re-arm waits 100ms / 1.1 = 90.909091ms of true time (rounded up to
  // the nanosecond), so 109 fit in 10s where an exact 10% would give 110.
  const sim::time_ns fast_period = sim::drifting_clock(100'000).true_delay(100 * sim::millisecond);
  CHECK(fast_period == 90'909'091);
  CHECK(fast == static_cast<std::size_t>(10 * sim::second / fast_period));
  CHECK(fast == 109);
}

TEST_CASE("a paused node handles nothing until it resumes, then everything that arrived") {
  auto config = probe_config(2, 2 * sim::second);
  auto pause = fault(sim::second, sim::fault_kind::pause, {"n1"});
  pause.duration_ns = 500 * sim::millisecond;
  config.faults = {pause};
  const recording_observer observer = run_probe(config);
  const sim::time_ns paused_from = sim::second + sim::millisecond;
  const sim::time_ns resume = 1500 * sim::millisecond;
  CHECK(observer.deliveries(0, 1, paused_from, resume) == 0);
  CHECK(observer.deliveries(0, 1, resume, resume + 1) >= 40);  // the backlog, all at once
}

namespace {

// Two instances per server; instance 1 of each server pings instance 1 of
// the others, instance 0 stays silent.
class two_instance_system final : public sim::system {
 public:
  std::uint16_t server_instances() const override { return 2; }
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t instance,
                                          const sim::cluster_shape&) const override {
    return std::make_unique<test_support::probe_actor>(instance == 0 ? 1000 * sim::second : 10 * sim::millisecond);
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return nullptr;
  }
  std::string describe(sim::address, const sim::envelope&) const override { return "probe"; }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape&) const override { return {}; }
};

}  // namespace

TEST_CASE("a process hosts several protocol instances, each with its own timers and messages") {
  auto config = probe_config(3, sim::second);
  sim::simulation run(config, std::make_shared<two_instance_system>());
  recording_observer observer;
  run.set_observer(&observer);
  CHECK(run.run().passed());
  std::size_t to_instance_zero = 0;
  std::size_t to_instance_one = 0;
  for (const auto& item : observer.records) {
    if (item.kind != sim::record_kind::deliver) continue;
    (item.to.instance == 0 ? to_instance_zero : to_instance_one)++;
  }
  // probe_actor sends to instance 0 of its peers (context.server(n)), so the
  // busy instance 1 of each server feeds the silent instances 0.
  CHECK(to_instance_zero > 0);
  CHECK(to_instance_one == 0);
  const auto* silent = run.state().actor_as<test_support::probe_actor>({0, 0});
  const auto* busy = run.state().actor_as<test_support::probe_actor>({0, 1});
  REQUIRE(silent != nullptr);
  REQUIRE(busy != nullptr);
  CHECK(silent->counter() == 0);
  CHECK(busy->counter() >= 99);
}

namespace {

// Answers every message with two: the number in flight doubles each hop.
class storm_actor final : public sim::actor_value<storm_actor> {
 public:
  void on_start(const sim::step_context& context, const sim::disk_state&, sim::effects& out) override {
    if (context.self.process == 0) out.send(context.server(1), sim::bytes{});
  }
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override {
    out.send(message.from, sim::bytes{});
    out.send(context.server((context.self.process + 1) % context.servers), sim::bytes{});
  }
  void on_timer(const sim::step_context&, std::uint64_t, sim::effects&) override {}
  std::uint64_t hash_value() const { return 0; }
  friend bool operator==(const storm_actor&, const storm_actor&) = default;
};

class storm_system final : public sim::system {
 public:
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<storm_actor>();
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<storm_actor>();
  }
  std::string describe(sim::address, const sim::envelope&) const override { return "storm"; }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape&) const override { return {}; }
};

}  // namespace

TEST_CASE("a message storm fails the run as resource instead of exhausting memory") {
  sim::simulation run(probe_config(3, 10 * sim::second), std::make_shared<storm_system>());
  const sim::run_result result = run.run();
  REQUIRE_FALSE(result.passed());
  CHECK(result.failure->checker == "resource");
  CHECK(run.state().now() < sim::second);  // doubling reaches the limit within tens of hops
}
