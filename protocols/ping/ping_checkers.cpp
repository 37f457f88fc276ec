#include "protocols/ping/ping_checkers.hpp"

#include <map>

#include "protocols/ping/ping.hpp"
#include "sim/world.hpp"

namespace protocols::ping {
namespace {

// A server's boot count, kept on its disk, grows with every restart: it
// fails when a restart forgets a boot (the write was not durable).
class boot_count_increases final : public sim::checker {
 public:
  explicit boot_count_increases(std::uint32_t servers) : last_(servers) {}
  std::string_view name() const override { return "ping.boot_count_increases"; }
  sim::checker_kind kind() const override { return sim::checker_kind::invariant; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<boot_count_increases>(*this); }

  std::optional<std::string> check_delta(const sim::world& state) override {
    for (std::uint32_t server = 0; server < last_.size(); ++server) {
      const auto* actor = state.actor_as<ping_server>({server, 0});
      if (actor == nullptr) continue;
      const std::uint64_t incarnation = state.process(server).incarnation;
      observation& seen = last_[server];
      if (seen.valid && incarnation != seen.incarnation && actor->boot_count() <= seen.boot_count) {
        return "server " + state.process(server).name + " restarted with boot count " +
               std::to_string(actor->boot_count()) + " after boot count " + std::to_string(seen.boot_count);
      }
      seen = {true, incarnation, actor->boot_count()};
    }
    return std::nullopt;
  }

 private:
  struct observation {
    bool valid = false;
    std::uint64_t incarnation = 0;
    std::uint64_t boot_count = 0;
  };
  std::vector<observation> last_;
};

// Every echo that completed returned the text its request carried.
class echo_matches final : public sim::checker {
 public:
  std::string_view name() const override { return "ping.echo_matches"; }
  sim::checker_kind kind() const override { return sim::checker_kind::history; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<echo_matches>(*this); }

  std::optional<std::string> check_end(const sim::world& state) override {
    std::map<sim::process_id, std::string> invoked;
    for (const sim::history_event& item : state.history()) {
      if (item.record.type == sim::history_type::invoke) {
        invoked[item.process] = item.record.value;
      } else if (item.record.type == sim::history_type::ok && invoked[item.process] != item.record.value) {
        return "client " + state.process(item.process).name + " sent \"" + invoked[item.process] +
               "\" and got back \"" + item.record.value + "\" (history event " + std::to_string(item.index) + ")";
      }
    }
    return std::nullopt;
  }
};

// After the heal, every up server hears a pong from every other up server.
class peers_reachable final : public sim::checker {
 public:
  std::string_view name() const override { return "ping.peers_reachable"; }
  sim::checker_kind kind() const override { return sim::checker_kind::liveness; }
  std::unique_ptr<sim::checker> clone() const override { return std::make_unique<peers_reachable>(*this); }

  bool satisfied(const sim::world& state) override { return missing(state).empty(); }
  std::string unsatisfied_reason(const sim::world& state) const override { return missing(state); }

 private:
  static std::string missing(const sim::world& state) {
    const std::uint32_t servers = state.config().servers;
    for (std::uint32_t server = 0; server < servers; ++server) {
      const auto* actor = state.actor_as<ping_server>({server, 0});
      if (actor == nullptr || state.process(server).status != sim::process_status::up) continue;
      const sim::time_ns healed_local = state.process(server).clock.local_time(state.healed_at());
      for (std::uint32_t peer = 0; peer < servers; ++peer) {
        if (peer == server || state.process(peer).status != sim::process_status::up) continue;
        if (actor->last_heard_ns()[peer] < healed_local) {
          return state.process(server).name + " has not heard from " + state.process(peer).name;
        }
      }
    }
    return {};
  }
};

}  // namespace

std::vector<sim::checker_description> ping_checker_descriptions() {
  return {
      {"ping.boot_count_increases", sim::checker_kind::invariant,
       "a restarted server's durable boot count is larger than before the crash"},
      {"ping.echo_matches", sim::checker_kind::history, "every completed echo returns its request's text"},
      {"ping.peers_reachable", sim::checker_kind::liveness,
       "after the heal, every up server hears a pong from every other up server"},
  };
}

std::vector<std::unique_ptr<sim::checker>> make_ping_checkers(const sim::cluster_shape& shape) {
  std::vector<std::unique_ptr<sim::checker>> result;
  result.push_back(std::make_unique<boot_count_increases>(shape.servers));
  result.push_back(std::make_unique<echo_matches>());
  result.push_back(std::make_unique<peers_reachable>());
  return result;
}

}  // namespace protocols::ping
