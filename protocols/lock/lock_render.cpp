#include "protocols/lock/lock_render.hpp"

#include "protocols/lock/lock_table.hpp"
#include "protocols/raft/raft_server.hpp"
#include "protocols/registry.hpp"
#include "sim/simulation.hpp"

namespace protocols::lock {
namespace {

struct leader_table {
  const lock_table* table = nullptr;
  std::string server;
  std::uint64_t applied = 0;
};

// The table of the leader with the highest term; without a leader, the
// replica that applied the most.
leader_table find_leader_table(const sim::world& state) {
  leader_table best;
  std::uint64_t best_term = 0;
  bool best_leads = false;
  for (std::uint32_t server = 0; server < state.config().servers; ++server) {
    if (state.process(server).status != sim::process_status::up) continue;
    const auto* member = state.actor_as<raft::raft_server>({server, 0});
    const auto* table = member == nullptr ? nullptr : dynamic_cast<const lock_table*>(&member->machine());
    if (table == nullptr) continue;
    const bool leads = member->current_role() == raft::role::leader;
    const bool better = best.table == nullptr || (leads && !best_leads) ||
                        (leads == best_leads && (leads ? member->term() > best_term : member->applied_index() > best.applied));
    if (!better) continue;
    best = {table, state.process(server).name, member->applied_index()};
    best_term = member->term();
    best_leads = leads;
  }
  return best;
}

// "1047.891ms"
std::string milliseconds_text(sim::time_ns time) {
  std::string micros = std::to_string((time / sim::microsecond) % 1000);
  micros.insert(0, 3 - micros.size(), '0');
  return std::to_string(time / sim::millisecond) + "." + micros + "ms";
}

std::string title_of(const leader_table& leader, sim::time_ns time, bool deadlock) {
  return std::string(deadlock ? "deadlock" : "wait-for graph") + " at t=" + milliseconds_text(time) + " on " +
         leader.server + "'s table (applied index " + std::to_string(leader.applied) + ")";
}

std::map<std::uint64_t, std::string> client_names(const sim::world& state) {
  std::map<std::uint64_t, std::string> names;
  for (std::uint32_t process = state.config().servers; process < state.config().process_count(); ++process) {
    names[process] = state.process(process).name;
  }
  return names;
}

wait_for_picture picture_of(const leader_table& leader, const sim::world& state) {
  const sim::time_ns time = state.now();
  wait_for_picture picture;
  picture.time = time;
  if (leader.table == nullptr) {
    picture.dot = "digraph wait_for {\n  label=\"no server is up at t=" + milliseconds_text(time) + "\";\n}\n";
    return picture;
  }
  const std::vector<lock_view> views = leader.table->views();
  const auto found = find_deadlock(views);
  picture.deadlock = found.has_value();
  picture.dot = wait_for_dot(views, found, title_of(leader, time, picture.deadlock), client_names(state));
  return picture;
}

sim::simulation start(const sim::scenario& input, std::uint64_t seed) {
  if (input.protocol != "lock") {
    throw sim::scenario_error(input.source_file, "/protocol/name",
                              "wait-for graphs need a lock manager run; this one is \"" + input.protocol + "\"");
  }
  return sim::simulation(sim::resolve_run_config(input, seed), configure_system(input));
}

}  // namespace

wait_for_picture wait_for_at(const sim::scenario& input, std::uint64_t seed, sim::time_ns time) {
  sim::simulation run = start(input, seed);
  while (run.state().now() < time && run.step()) {
  }
  return picture_of(find_leader_table(run.state()), run.state());
}

std::vector<wait_for_picture> deadlock_pictures(const sim::scenario& input, std::uint64_t seed) {
  sim::simulation run = start(input, seed);
  std::vector<wait_for_picture> pictures;
  std::uint64_t last_hash = 0;
  bool in_deadlock = false;
  while (run.step()) {
    const leader_table leader = find_leader_table(run.state());
    if (leader.table == nullptr || leader.table->state_hash() == last_hash) continue;
    last_hash = leader.table->state_hash();
    const bool deadlock = find_deadlock(leader.table->views()).has_value();
    if (deadlock && !in_deadlock) pictures.push_back(picture_of(leader, run.state()));
    in_deadlock = deadlock;
  }
  return pictures;
}

}  // namespace protocols::lock
