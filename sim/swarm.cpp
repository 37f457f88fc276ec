// The generated half of a fault schedule. Swarm testing (Groce et al. 2012;
// tigerbeetle's vopr): each seed draws its own configuration first (the mean
// time between faults from the scenario's range, and a random non-empty
// subset of the enabled fault kinds), then faults from it, never leaving
// more than max_faulty servers crashed, paused or lost at once.
#include <algorithm>
#include <vector>

#include "sim/assert.hpp"
#include "sim/prng.hpp"
#include "sim/run_config.hpp"

namespace sim {
namespace {

bool takes_server_down(fault_kind kind) {
  return kind == fault_kind::crash || kind == fault_kind::pause || kind == fault_kind::lose;
}

struct faulty_servers {
  std::vector<time_ns> down_until;  // time_never: lost for good

  std::vector<std::uint32_t> up_at(time_ns now) const {
    std::vector<std::uint32_t> result;
    for (std::uint32_t server = 0; server < down_until.size(); ++server) {
      if (down_until[server] <= now) result.push_back(server);
    }
    return result;
  }
  std::uint32_t down_at(time_ns now) const {
    return static_cast<std::uint32_t>(
        std::count_if(down_until.begin(), down_until.end(), [now](time_ns until) { return until > now; }));
  }
};

// Splits the servers into two non-empty groups by coin flips.
std::vector<std::vector<std::string>> random_split(std::uint32_t servers, prng& random) {
  std::vector<std::vector<std::string>> groups(2);
  const std::uint64_t anchor = random.below(servers);
  for (std::uint32_t server = 0; server < servers; ++server) {
    const bool first = server == anchor ? true : random.chance({1, 2});
    groups[first ? 0 : 1].push_back(server_name(server));
  }
  if (groups[1].empty()) {
    const std::uint64_t moved_index = random.below(groups[0].size() - 1) + 1;
    groups[1].push_back(groups[0][moved_index]);
    groups[0].erase(groups[0].begin() + static_cast<std::ptrdiff_t>(moved_index));
  }
  return groups;
}

// Each enabled kind stays on for this seed with probability 1/2; at least one.
std::vector<fault_kind> choose_kinds(const std::vector<fault_kind>& enabled, prng& random) {
  std::vector<fault_kind> chosen;
  for (fault_kind kind : enabled) {
    if (random.chance({1, 2})) chosen.push_back(kind);
  }
  if (chosen.empty()) chosen.push_back(enabled[random.below(enabled.size())]);
  return chosen;
}

}  // namespace

std::vector<fault_spec> generate_swarm_faults(const swarm_spec& swarm, std::uint32_t servers,
                                              time_ns duration_ns, std::uint64_t seed) {
  SYNCSIM_ASSERT(!swarm.kinds.empty());
  SYNCSIM_ASSERT(servers > 0);
  prng random = prng::stream(seed, stream_purpose::faults);
  const time_ns mean_gap = random.between(swarm.interval_ns.minimum, swarm.interval_ns.maximum);
  const std::vector<fault_kind> kinds = choose_kinds(swarm.kinds, random);
  const auto next_gap = [&random, mean_gap] {
    return std::max<time_ns>(millisecond, random.between(mean_gap / 2, mean_gap + mean_gap / 2));
  };
  faulty_servers faulty{std::vector<time_ns>(servers, 0)};
  std::vector<fault_spec> result;
  time_ns now = next_gap();
  while (now < duration_ns) {
    fault_spec fault;
    fault.at_ns = now;
    fault.kind = kinds[random.below(kinds.size())];
    const time_ns duration = random.between(swarm.duration_ns.minimum, swarm.duration_ns.maximum);
    const std::vector<std::uint32_t> up = faulty.up_at(now);
    const bool may_take_down = !up.empty() && faulty.down_at(now) < swarm.max_faulty;
    const std::uint32_t target = up.empty() ? 0 : up[random.below(up.size())];
    if (takes_server_down(fault.kind) && !may_take_down) {
      fault.kind = fault_kind::isolate;  // still a fault, but one that keeps the server up
    }
    switch (fault.kind) {
      case fault_kind::crash:
      case fault_kind::pause:
        fault.targets = {server_name(target)};
        fault.duration_ns = duration;
        faulty.down_until[target] = now + duration;
        break;
      case fault_kind::lose:
        fault.targets = {server_name(target)};
        faulty.down_until[target] = time_never;
        break;
      case fault_kind::isolate:
        fault.targets = {server_name(static_cast<std::uint32_t>(random.below(servers)))};
        fault.duration_ns = duration;
        break;
      case fault_kind::partition:
      case fault_kind::partition_one_way:
        if (servers < 2) {
          fault.kind = fault_kind::drift;
          fault.targets = {server_name(0)};
          fault.drift_ppm = random.between(swarm.drift_ppm.minimum, swarm.drift_ppm.maximum);
          break;
        }
        fault.groups = random_split(servers, random);
        fault.duration_ns = duration;
        break;
      case fault_kind::drift:
        fault.targets = {server_name(static_cast<std::uint32_t>(random.below(servers)))};
        fault.drift_ppm = random.between(swarm.drift_ppm.minimum, swarm.drift_ppm.maximum);
        break;
      case fault_kind::restart:
      case fault_kind::resume:
      case fault_kind::heal:
        SYNCSIM_ASSERT(false);  // the scenario parser rejects these as swarm kinds
    }
    fault.pointer = "/faults/swarm";
    result.push_back(std::move(fault));
    now += next_gap();
  }
  return result;
}

}  // namespace sim
