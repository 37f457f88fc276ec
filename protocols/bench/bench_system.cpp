#include "protocols/bench/bench_system.hpp"

#include "protocols/bench/bench.hpp"
#include "sim/json_walker.hpp"
#include "sim/world.hpp"

namespace protocols::bench {
namespace {

class bench_system final : public sim::system {
 public:
  explicit bench_system(const bench_options& options) : options_(options) {}
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<bench_server>(options_);
  }
  // Clients have nothing to do in the synthetic load; they idle.
  std::unique_ptr<sim::actor> make_client(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<bench_server>(bench_options{0, 0, options_.timer_period_ns});
  }
  std::string describe(sim::address, const sim::envelope& message) const override {
    sim::byte_reader reader(message.payload.data(), message.payload.size());
    return "hop " + std::to_string(reader.u64());
  }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape&) const override { return {}; }

 private:
  bench_options options_;
};

class bench_family final : public sim::system_definition {
 public:
  std::string name() const override { return "bench"; }
  std::string summary() const override {
    return "a synthetic load for `syncsim bench`: messages hop between random servers, timers re-arm";
  }
  std::vector<sim::checker_description> checkers() const override { return {}; }
  std::vector<sim::bug_description> bugs() const override { return {}; }
  std::shared_ptr<const sim::system> configure(const sim::scenario& input,
                                               const std::set<std::string>&) const override {
    bench_options options;
    sim::json_section protocol_section(input.protocol_options_json, input.source_file, "/protocol/options");
    sim::json_object& protocol = protocol_section.reader();
    options.messages_per_server =
        static_cast<std::uint32_t>(protocol.integer("messages_per_server", options.messages_per_server, 0, 100'000));
    options.timers_per_server = static_cast<std::uint32_t>(
        protocol.integer("timers_per_server", options.timers_per_server, 0, sim::max_timer_id));
    options.timer_period_ns = protocol.duration("timer_period", options.timer_period_ns, 1, 60 * sim::second);
    protocol.finish();
    sim::json_section(input.workload_json, input.source_file, "/workload").reader().finish();
    return std::make_shared<bench_system>(options);
  }
};

}  // namespace

const sim::system_definition& bench_definition() {
  static const bench_family definition;
  return definition;
}

}  // namespace protocols::bench
