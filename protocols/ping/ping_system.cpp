#include "protocols/ping/ping_system.hpp"

#include "protocols/ping/ping.hpp"
#include "protocols/ping/ping_checkers.hpp"
#include "sim/json_walker.hpp"

namespace protocols::ping {
namespace {

std::string describe_message(const sim::envelope& message) {
  sim::byte_reader reader(message.payload.data(), message.payload.size());
  static const char* const names[] = {"ping", "pong", "echo", "echo-reply"};
  const std::uint8_t type = reader.u8();
  if (type > 3) return "unknown";
  const std::uint64_t number = reader.u64();
  const std::string text = reader.text();
  return std::string(names[type]) + " " + std::to_string(number) + (text.empty() ? "" : " " + text);
}

class ping_system final : public sim::system {
 public:
  explicit ping_system(const ping_options& options) : options_(options) {}
  std::unique_ptr<sim::actor> make_server(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<ping_server>(options_);
  }
  std::unique_ptr<sim::actor> make_client(std::uint32_t, std::uint16_t, const sim::cluster_shape&) const override {
    return std::make_unique<ping_client>(options_);
  }
  std::string describe(sim::address, const sim::envelope& message) const override { return describe_message(message); }
  std::vector<std::unique_ptr<sim::checker>> make_checkers(const sim::cluster_shape& shape) const override {
    return make_ping_checkers(shape);
  }

 private:
  ping_options options_;
};

class ping_family final : public sim::system_definition {
 public:
  std::string name() const override { return "ping"; }
  std::string summary() const override {
    return "the example protocol: servers ping each other, clients send echo requests";
  }
  std::vector<sim::checker_description> checkers() const override { return ping_checker_descriptions(); }
  std::vector<sim::bug_description> bugs() const override {
    return {{"ping.unsynced_boot_count", "ping.boot_count_increases",
             "the boot count is written without fsync, so a crash soon after a restart forgets a boot"},
            {"ping.stale_echo", "ping.echo_matches", "a server answers an echo with the text of the previous request"},
            {"ping.silent_after_restart", "ping.peers_reachable",
             "a restarted server never arms its ping timer again, so it never hears from its peers"}};
  }
  std::shared_ptr<const sim::system> configure(const sim::scenario& input,
                                               const std::set<std::string>& bugs) const override {
    ping_options options;
    sim::json_section protocol_section(input.protocol_options_json, input.source_file, "/protocol/options");
    sim::json_object& protocol = protocol_section.reader();
    options.period_ns = protocol.duration("period", options.period_ns, sim::millisecond, 60 * sim::second);
    protocol.finish();
    sim::json_section workload_section(input.workload_json, input.source_file, "/workload");
    sim::json_object& workload = workload_section.reader();
    options.request_interval_ns =
        workload.duration("request_interval", options.request_interval_ns, sim::millisecond, 60 * sim::second);
    options.request_timeout_ns =
        workload.duration("request_timeout", options.request_timeout_ns, sim::millisecond, 60 * sim::second);
    workload.finish();
    options.unsynced_boot_count = bugs.count("ping.unsynced_boot_count") != 0;
    options.stale_echo = bugs.count("ping.stale_echo") != 0;
    options.silent_after_restart = bugs.count("ping.silent_after_restart") != 0;
    return std::make_shared<ping_system>(options);
  }
};

}  // namespace

const sim::system_definition& ping_definition() {
  static const ping_family definition;
  return definition;
}

}  // namespace protocols::ping
