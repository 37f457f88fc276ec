#pragma once
// A test protocol for kernel tests: every server broadcasts a numbered probe
// to every other server each period and writes the number to disk without
// fsync; on start it remembers the number it found on disk. A recording
// observer keeps every delivery and timer with its time.

#include <memory>
#include <string>
#include <vector>

#include "sim/run_config.hpp"
#include "sim/simulation.hpp"
#include "sim/system.hpp"

namespace test_support {

class probe_actor final : public sim::actor_value<probe_actor> {
 public:
  explicit probe_actor(sim::time_ns period_ns) : period_ns_(period_ns) {}
  void on_start(const sim::step_context&, const sim::disk_state& disk, sim::effects& out) override {
    const auto stored = disk.values.find("counter");
    recovered_ = stored == disk.values.end() ? 0 : sim::byte_reader(stored->second).u64();
    counter_ = recovered_;
    out.set_timer(1, period_ns_);
  }
  void on_message(const sim::step_context&, const sim::envelope&, sim::effects&) override { received_++; }
  void on_timer(const sim::step_context& context, std::uint64_t, sim::effects& out) override {
    counter_++;
    sim::bytes value;
    sim::byte_writer(value).u64(counter_);
    out.set("counter", std::move(value), false);
    for (std::uint32_t server = 0; server < context.servers; ++server) {
      if (server == context.self.process) continue;
      sim::bytes payload;
      sim::byte_writer(payload).u64(counter_);
      out.send(context.server(server), std::move(payload));
    }
    out.set_timer(1, period_ns_);
  }
  std::uint64_t recovered() const { return recovered_; }
  std::uint64_t counter() const { return counter_; }
  std::uint64_t hash_value() const { return sim::hasher().add(counter_).add(received_).add(recovered_).value(); }
  friend bool operator==(const probe_actor&, const probe_actor&) = default;

 private:
  sim::time_ns period_ns_;
  std::uint64_t counter_ = 0;
  std::uint64_t recovered_ = 0;
  std::uint64_t received_ = 0;
};

class probe_system final : public sim::system {
 public:
  explicit probe_system(sim::time_ns period_ns) : period_ns_(period_ns) {}
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<probe_actor>(period_ns_);
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<probe_actor>(period_ns_);
  }
  std::string describe(sim::address, const sim::envelope& message) const override {
    return "probe " + std::to_string(message.payload.size());
  }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape&) const override { return {}; }

 private:
  sim::time_ns period_ns_;
};

// A run configuration with `servers` servers, no clients, reliable 1ms links.
inline sim::run_config probe_config(std::uint32_t servers, sim::time_ns duration_ns, std::uint64_t seed = 1) {
  sim::run_config config;
  config.seed = seed;
  config.servers = servers;
  config.clients = 0;
  sim::link_options link;
  link.delay = {sim::millisecond, 0, 0};
  config.links.assign(static_cast<std::size_t>(servers) * servers, link);
  config.fsync = sim::fsync_policy::everysec;
  config.fsync_delay_ns = sim::range<sim::time_ns>::exactly(0);
  config.flush_interval_ns = 30 * sim::second;
  config.drift_ppm.assign(servers, 0);
  config.duration_ns = duration_ns;
  config.liveness_bound_ns = sim::second;
  return config;
}

struct recorded {
  sim::time_ns time;
  sim::record_kind kind;
  sim::address from;
  sim::address to;
  std::string text;
};

class recording_observer final : public sim::trace_observer {
 public:
  void on_record(const sim::world&, const sim::trace_record& record) override {
    records.push_back({record.time, record.kind, record.from, record.to, std::string(record.text)});
  }
  std::size_t deliveries(std::uint32_t from, std::uint32_t to, sim::time_ns begin, sim::time_ns end) const {
    std::size_t count = 0;
    for (const recorded& item : records) {
      if (item.kind == sim::record_kind::deliver && item.from.process == from && item.to.process == to &&
          item.time >= begin && item.time < end) {
        count++;
      }
    }
    return count;
  }
  std::vector<recorded> records;
};

}  // namespace test_support
