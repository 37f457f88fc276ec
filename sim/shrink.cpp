#include "sim/shrink.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

#include "sim/assert.hpp"

namespace sim {
namespace {

// The state of one shrink: the smallest failing scenario so far and the
// budget of runs left.
class shrinker {
 public:
  shrinker(const std::string& checker, const shrink_runner& runner, const shrink_limits& limits)
      : checker_(checker), runner_(runner), limits_(limits) {}

  // Runs the candidate; the trial if it is a valid scenario that still
  // fails in the same checker with a trace no longer than the current one.
  std::optional<std::pair<scenario, shrink_trial>> evaluate(const scenario& candidate) {
    if (runs_ >= limits_.runs_max) return std::nullopt;
    scenario checked;
    try {
      // Through the file format and back: what is accepted can be written.
      checked = parse_scenario(scenario_to_json(candidate), candidate.source_file);
    } catch (const scenario_error&) {
      return std::nullopt;
    }
    runs_++;
    shrink_trial trial = runner_(checked);
    if (!trial.valid || !trial.failure || trial.failure->checker != checker_) return std::nullopt;
    // Simpler but longer is not smaller: dropping a crash can make a run
    // busier, and the trace is what the reader has to read.
    if (trial.records > trial_.records) return std::nullopt;
    if (!still_needs_the_bugs(checked)) return std::nullopt;
    return std::make_pair(std::move(checked), std::move(trial));
  }

  // With bug switches on, a candidate must pass without them: otherwise the
  // shrinker has slipped from the bug to another failure of the same
  // checker (a two-server cluster behind a lossy link fails liveness
  // whatever its protocol does).
  bool still_needs_the_bugs(const scenario& candidate) {
    if (candidate.bugs.empty()) return true;
    scenario without_bugs = candidate;
    without_bugs.bugs.clear();
    runs_++;
    const shrink_trial trial = runner_(without_bugs);
    return trial.valid && !trial.failure;
  }

  void accept(std::pair<scenario, shrink_trial> found, const std::string& step) {
    current_ = std::move(found.first);
    trial_ = std::move(found.second);
    steps_.push_back(step);
  }

  bool attempt(const scenario& candidate, const std::string& step) {
    auto found = evaluate(candidate);
    if (!found) return false;
    accept(std::move(*found), step);
    return true;
  }

  // A change of structure (fewer processes, no faults) moves every later
  // event, so the failing seed's interleaving is gone anyway: if the
  // candidate passes with the current seed, a few others are asked too.
  bool attempt_reseeded(const scenario& candidate, const std::string& step) {
    if (attempt(candidate, step)) return true;
    std::optional<std::pair<scenario, shrink_trial>> best;
    for (std::uint64_t seed = 1; seed <= limits_.reseeds && runs_ < limits_.runs_max; ++seed) {
      if (seed == candidate.seed) continue;
      scenario reseeded = candidate;
      reseeded.seed = seed;
      auto found = evaluate(reseeded);
      if (found && (!best || found->second.records < best->second.records)) best = std::move(found);
    }
    if (!best) return false;
    const std::uint64_t seed = *best->first.seed;
    accept(std::move(*best), step + " (seed " + std::to_string(seed) + ")");
    return true;
  }

  void start(const scenario& input, const shrink_trial& trial) {
    current_ = input;
    trial_ = trial;
  }
  const scenario& current() const { return current_; }
  const shrink_trial& trial() const { return trial_; }
  bool out_of_runs() const { return runs_ >= limits_.runs_max; }
  std::uint64_t runs() const { return runs_; }
  std::vector<std::string> steps() const { return steps_; }

 private:
  std::string checker_;
  const shrink_runner& runner_;
  shrink_limits limits_;
  scenario current_;
  shrink_trial trial_;
  std::uint64_t runs_ = 0;
  std::vector<std::string> steps_;
};

// Ends the safety phase just after the failure: nothing later matters.
bool cut_after_failure(shrinker& state) {
  const scenario& current = state.current();
  const time_ns failed_at = state.trial().failure->time;
  const time_ns end = (failed_at / millisecond + 1) * millisecond;
  if (end >= current.duration_ns) return false;
  scenario candidate = current;
  candidate.duration_ns = end;
  std::erase_if(candidate.schedule, [end](const fault_spec& fault) { return fault.at_ns >= end; });
  return state.attempt(candidate, "cut the run at " + format_duration(end));
}

// Zeller's ddmin over the schedule: drop chunks, halving the chunk size
// whenever no chunk can go.
bool drop_faults(shrinker& state) {
  if (!state.current().schedule.empty()) {
    scenario candidate = state.current();
    candidate.schedule.clear();
    if (state.attempt_reseeded(candidate, "dropped every fault")) return true;
  }
  bool changed = false;
  std::size_t chunks = 2;
  while (state.current().schedule.size() > 0 && !state.out_of_runs()) {
    const std::size_t size = state.current().schedule.size();
    chunks = std::min(chunks, size);
    const std::size_t chunk = (size + chunks - 1) / chunks;
    bool dropped = false;
    for (std::size_t first = 0; first < size && !dropped; first += chunk) {
      scenario candidate = state.current();
      const std::size_t last = std::min(size, first + chunk);
      candidate.schedule.erase(candidate.schedule.begin() + static_cast<std::ptrdiff_t>(first),
                               candidate.schedule.begin() + static_cast<std::ptrdiff_t>(last));
      dropped = state.attempt(candidate, "dropped " + std::to_string(last - first) + " of " +
                                             std::to_string(size) + " faults");
    }
    if (dropped) {
      changed = true;
      chunks = std::max<std::size_t>(chunks - 1, 2);
    } else if (chunk == 1) {
      break;
    } else {
      chunks *= 2;
    }
  }
  return changed;
}

bool drop_triggers(shrinker& state) {
  bool changed = false;
  for (std::size_t index = state.current().triggers.size(); index-- > 0;) {
    scenario candidate = state.current();
    candidate.triggers.erase(candidate.triggers.begin() + static_cast<std::ptrdiff_t>(index));
    changed |= state.attempt_reseeded(candidate, "dropped trigger " + std::to_string(index));
  }
  return changed;
}

// The number in "n3" (kind 'n') or "c1" (kind 'c'); nullopt for anything
// else ("@leader", "@subject", "*").
std::optional<std::uint32_t> process_number(const std::string& name, char kind) {
  const bool named = name.size() >= 2 && name[0] == kind && name.find_first_not_of("0123456789", 1) == std::string::npos;
  if (!named) return std::nullopt;
  return static_cast<std::uint32_t>(std::stoul(name.substr(1)));
}

// Drops every fault, trigger and link override that names a process gone,
// and the gone processes from partition groups.
void drop_what_names(scenario& result, const std::function<bool(const std::string&)>& gone) {
  const auto any_gone = [&gone](const std::vector<std::string>& names) {
    return std::any_of(names.begin(), names.end(), gone);
  };
  std::erase_if(result.schedule, [&](fault_spec& fault) {
    for (auto& group : fault.groups) std::erase_if(group, gone);
    std::erase_if(fault.groups, [](const auto& group) { return group.empty(); });
    const bool split = fault.kind == fault_kind::partition || fault.kind == fault_kind::partition_one_way;
    return any_gone(fault.targets) || (split && fault.groups.size() < 2);
  });
  std::erase_if(result.triggers, [&](const trigger_spec& trigger) { return any_gone(trigger.fault.targets); });
  std::erase_if(result.network.links,
                [&](const link_override_spec& link) { return gone(link.from) || gone(link.to); });
}

// The scenario with its first `clients` clients only.
scenario with_clients(const scenario& input, std::uint32_t clients) {
  scenario result = input;
  result.cluster.clients = range<std::uint32_t>::exactly(clients);
  drop_what_names(result, [clients](const std::string& name) {
    const auto number = process_number(name, 'c');
    return number && *number >= clients;
  });
  return result;
}

// "n3" with server `removed` gone: the servers after it move down one, so
// that a fault or link naming a server keeps naming the same one.
void rename_after_removed(std::string& name, std::uint32_t removed) {
  const auto number = process_number(name, 'n');
  if (!number) return;
  SYNCSIM_ASSERT(*number != removed);
  if (*number > removed) name = server_name(*number - 1);
}

// The scenario without server `removed`: what names it goes, later servers
// are renamed down.
scenario without_server(const scenario& input, std::uint32_t removed) {
  const std::uint32_t servers = input.cluster.servers.minimum;
  SYNCSIM_ASSERT(removed < servers);
  scenario moved = input;
  const std::string gone_name = server_name(removed);
  drop_what_names(moved, [&gone_name](const std::string& name) { return name == gone_name; });
  for (fault_spec& fault : moved.schedule) {
    for (std::string& name : fault.targets) rename_after_removed(name, removed);
    for (auto& group : fault.groups) {
      for (std::string& name : group) rename_after_removed(name, removed);
    }
  }
  for (trigger_spec& trigger : moved.triggers) {
    for (std::string& name : trigger.fault.targets) rename_after_removed(name, removed);
  }
  for (link_override_spec& link : moved.network.links) {
    rename_after_removed(link.from, removed);
    rename_after_removed(link.to, removed);
  }
  moved.cluster.servers = range<std::uint32_t>::exactly(servers - 1);
  return moved;
}

bool fewer_processes(shrinker& state) {
  bool changed = false;
  for (std::uint32_t clients = 0; clients < state.current().cluster.clients.minimum; ++clients) {
    const scenario candidate = with_clients(state.current(), clients);
    if (state.attempt_reseeded(candidate, std::to_string(clients) + " clients")) {
      changed = true;
      break;
    }
  }
  // Any one server, the last first: the one a fault or a bad link names
  // may be the one the failure needs.
  for (std::uint32_t removed = state.current().cluster.servers.minimum; removed-- > 0;) {
    if (state.current().cluster.servers.minimum <= 1) break;
    const scenario candidate = without_server(state.current(), removed);
    if (state.attempt_reseeded(candidate, "without " + server_name(removed))) {
      changed = true;
      removed = state.current().cluster.servers.minimum;
    }
  }
  return changed;
}

bool kinder_network(shrinker& state) {
  bool changed = false;
  const auto try_change = [&](const std::string& step, auto&& edit) {
    scenario candidate = state.current();
    if (!edit(candidate)) return;
    changed |= state.attempt_reseeded(candidate, step);
  };
  const auto no_loss = [](range<ratio>& knob) {
    if (knob == range<ratio>::exactly(ratio::never())) return false;
    knob = range<ratio>::exactly(ratio::never());
    return true;
  };
  try_change("no message loss", [&](scenario& c) { return no_loss(c.network.faults.drop); });
  try_change("no duplicates", [&](scenario& c) { return no_loss(c.network.faults.duplicate); });
  try_change("no reordering", [&](scenario& c) { return no_loss(c.network.faults.reorder); });
  try_change("no corruption", [&](scenario& c) { return no_loss(c.network.faults.corrupt); });
  try_change("no link overrides", [](scenario& c) {
    const bool any = !c.network.links.empty();
    c.network.links.clear();
    return any;
  });
  try_change("no clock drift", [](scenario& c) {
    const bool any = !c.clock.drift_ppm.fixed() || c.clock.drift_ppm.minimum != 0;
    c.clock.drift_ppm = range<std::int64_t>::exactly(0);
    return any;
  });
  return changed;
}

// Moves every fault from `first` on earlier by `shift`, and the end of the
// run with them: quiet stretches before a fault are time the reader must
// scroll through.
scenario shifted_earlier(const scenario& input, std::size_t first, time_ns shift) {
  scenario result = input;
  for (std::size_t index = first; index < result.schedule.size(); ++index) result.schedule[index].at_ns -= shift;
  result.duration_ns -= shift;
  return result;
}

bool compress_time(shrinker& state) {
  bool changed = false;
  for (std::size_t index = 0; index < state.current().schedule.size() && !state.out_of_runs(); ++index) {
    const time_ns previous = index == 0 ? 0 : state.current().schedule[index - 1].at_ns;
    const time_ns gap = state.current().schedule[index].at_ns - previous;
    for (const time_ns shift : {gap - gap / 8, gap / 2, gap / 4}) {
      if (shift < millisecond) continue;
      if (state.attempt(shifted_earlier(state.current(), index, shift),
                        "faults from #" + std::to_string(index) + " " + format_duration(shift) + " earlier")) {
        changed = true;
        break;
      }
    }
  }
  return changed;
}

// How much shorter a fault may become, boldest first: a quarter, a half,
// three quarters of what it lasts.
time_ns fraction_of(time_ns duration, std::size_t step) {
  constexpr time_ns quarters[] = {1, 2, 3};
  SYNCSIM_ASSERT(step < std::size(quarters));
  return duration / 4 * quarters[step] + duration % 4 * quarters[step] / 4;
}
constexpr std::size_t fraction_steps = 3;

// Shortens each fault that reverts by itself (a crash, a pause, an
// isolation): while a server is away, the others' timers keep firing and
// their messages to it keep being dropped, and the faults after it wait for
// it to return. Once shorter, compress_time can move those faults earlier.
bool shorter_faults(shrinker& state) {
  bool changed = false;
  for (std::size_t index = 0; index < state.current().schedule.size() && !state.out_of_runs(); ++index) {
    const std::optional<time_ns> duration = state.current().schedule[index].duration_ns;
    if (!duration) continue;
    for (std::size_t step = 0; step < fraction_steps; ++step) {
      const time_ns shorter = fraction_of(*duration, step);
      if (shorter < millisecond) continue;
      scenario candidate = state.current();
      candidate.schedule[index].duration_ns = shorter;
      if (state.attempt(candidate, "fault #" + std::to_string(index) + " lasts " + format_duration(shorter))) {
        changed = true;
        break;
      }
    }
  }
  return changed;
}

// Shortens what each trigger's faults last, while the triggers still fire
// at the moments that matter: a quarter, a half or three quarters of both
// bounds, with other seeds if the current one stops failing.
bool shorter_trigger_faults(shrinker& state) {
  bool changed = false;
  for (std::size_t index = 0; index < state.current().triggers.size() && !state.out_of_runs(); ++index) {
    const std::optional<range<time_ns>> duration = state.current().triggers[index].duration_ns;
    if (!duration) continue;
    for (std::size_t step = 0; step < fraction_steps; ++step) {
      const range<time_ns> shorter = {fraction_of(duration->minimum, step), fraction_of(duration->maximum, step)};
      if (shorter.minimum < millisecond) continue;
      scenario candidate = state.current();
      candidate.triggers[index].duration_ns = shorter;
      if (state.attempt_reseeded(candidate, "trigger #" + std::to_string(index) + "'s faults last " +
                                                format_duration(shorter.minimum) + " to " +
                                                format_duration(shorter.maximum))) {
        changed = true;
        break;
      }
    }
  }
  return changed;
}

// The same small scenario under other seeds: the seed still chooses every
// timer, delay and client operation, and another seed may hit the same bug
// sooner. The shortest failing trace wins.
bool other_seeds(shrinker& state, std::uint64_t seeds) {
  std::optional<std::pair<scenario, shrink_trial>> best;
  for (std::uint64_t seed = 1; seed <= seeds && !state.out_of_runs(); ++seed) {
    if (seed == state.current().seed) continue;
    scenario candidate = state.current();
    candidate.seed = seed;
    auto found = state.evaluate(candidate);
    const std::uint64_t bound = best ? best->second.records : state.trial().records;
    if (found && found->second.records < bound) best = std::move(found);
  }
  if (!best) return false;
  const std::uint64_t seed = *best->first.seed;
  state.accept(std::move(*best), "seed " + std::to_string(seed));
  return true;
}

// Halves the safety phase (a liveness failure cannot be cut just after it
// happens: it happens at the end).
bool shorter_safety_phase(shrinker& state) {
  scenario candidate = state.current();
  const time_ns end = candidate.duration_ns / 2;
  if (end < millisecond) return false;
  candidate.duration_ns = end;
  std::erase_if(candidate.schedule, [end](const fault_spec& fault) { return fault.at_ns >= end; });
  return state.attempt(candidate, "safety phase " + format_duration(end));
}

bool quieter_protocol(shrinker& state, const system_definition& family) {
  for (const std::string& options : family.quieter_options(state.current())) {
    scenario candidate = state.current();
    candidate.protocol_options_json = options;
    if (state.attempt_reseeded(candidate, "options " + options)) return true;
  }
  return false;
}

bool smaller_workload(shrinker& state, const system_definition& family) {
  const auto candidates = family.simpler_workloads(state.current(), state.trial().operations_per_client_max);
  for (const std::string& workload : candidates) {
    scenario candidate = state.current();
    candidate.workload_json = workload;
    if (state.attempt_reseeded(candidate, "workload " + workload)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::uint64_t> operation_caps(std::uint64_t issued, std::uint64_t current_cap) {
  std::vector<std::uint64_t> caps;
  const auto below_cap = [current_cap](std::uint64_t cap) { return current_cap == 0 || cap < current_cap; };
  for (std::uint64_t cap = 1; cap < issued && below_cap(cap); cap *= 2) caps.push_back(cap);
  if (issued > 0 && below_cap(issued)) caps.push_back(issued);
  return caps;
}

namespace {

// One greedy descent, trying `seeds_tried` other seeds at each pass.
shrink_outcome shrink_once(const scenario& input, std::uint64_t seed, const std::string& checker,
                           const shrink_runner& runner, const shrink_trial& original, const system_definition& family,
                           const shrink_limits& limits) {
  const std::uint64_t seeds_tried = limits.other_seeds;
  shrinker state(checker, runner, limits);
  shrink_outcome outcome;
  outcome.original = original;
  state.start(input, outcome.original);
  if (!state.attempt(make_explicit(input, seed, family), "made every drawn knob and fault explicit")) {
    outcome.minimal = input;
    outcome.final = outcome.original;
    outcome.runs = state.runs();
    return outcome;
  }
  cut_after_failure(state);
  // While the triggers still choose faults by what happens, other seeds
  // draw other fault sequences, and a quieter protocol or a smaller cluster
  // still meets its faults at the right moments; once the faults are fixed
  // times, changing the timing of the run mostly makes them miss.
  // Simpler structure first, while the failure may still come late; then
  // other seeds find the soonest failure of the simpler run.
  for (bool changed = true; changed && !state.out_of_runs();) {
    changed = false;
    if (!state.current().triggers.empty()) {
      changed |= fewer_processes(state);
      changed |= smaller_workload(state, family);
      changed |= kinder_network(state);
      changed |= quieter_protocol(state, family);
      changed |= shorter_trigger_faults(state);
    }
    if (other_seeds(state, seeds_tried)) {
      changed = true;
      cut_after_failure(state);
    }
    if (state.current().triggers.empty()) break;
  }
  if (!state.current().triggers.empty()) {
    // A trigger's faults as scheduled ones: each can then be dropped or
    // moved alone.
    scenario candidate = state.current();
    candidate.schedule = state.trial().faults_as_run;
    std::stable_sort(candidate.schedule.begin(), candidate.schedule.end(),
                     [](const fault_spec& left, const fault_spec& right) { return left.at_ns < right.at_ns; });
    candidate.triggers.clear();
    state.attempt(candidate, "made the triggers' faults explicit");
  }
  for (bool changed = true; changed && !state.out_of_runs();) {
    // Cheap reductions that shorten the run come first: the shorter it is,
    // the fewer faults ddmin has to go through.
    changed = cut_after_failure(state);
    if (other_seeds(state, seeds_tried)) {
      changed = true;
      cut_after_failure(state);
    }
    changed |= drop_faults(state);
    changed |= drop_triggers(state);
    changed |= fewer_processes(state);
    changed |= shorter_faults(state);
    changed |= compress_time(state);
    changed |= smaller_workload(state, family);
    changed |= kinder_network(state);
    changed |= quieter_protocol(state, family);
    changed |= shorter_safety_phase(state);
  }
  outcome.minimal = state.current();
  outcome.final = state.trial();
  outcome.runs = state.runs();
  outcome.steps = state.steps();
  return outcome;
}

}  // namespace

// Greedy descents are path-dependent: a seed that fails sooner early on can
// keep every client the failure needs later. Several descents, each trying
// a different number of other seeds, and the shortest trace wins.
shrink_outcome shrink_scenario(const scenario& input, std::uint64_t seed, const std::string& checker,
                               const shrink_runner& runner, const system_definition& family,
                               const shrink_limits& limits) {
  const shrink_trial original = runner(input);
  SYNCSIM_ASSERT(original.failure.has_value());
  // The first descents are cheap and quick to commit; the last searches
  // wider at each step.
  const std::pair<std::uint64_t, std::uint64_t> portfolio[] = {{limits.other_seeds / 16, limits.reseeds / 4},
                                                               {limits.other_seeds / 4, limits.reseeds / 4},
                                                               {limits.other_seeds, limits.reseeds}};
  std::optional<shrink_outcome> best;
  std::uint64_t runs = 1;
  std::vector<shrink_limits> tried;
  for (const auto& [other_seeds, reseeds] : portfolio) {
    shrink_limits descent = limits;
    descent.other_seeds = other_seeds;
    descent.reseeds = reseeds;
    if (std::find(tried.begin(), tried.end(), descent) != tried.end()) continue;
    tried.push_back(descent);
    shrink_outcome outcome = shrink_once(input, seed, checker, runner, original, family, descent);
    runs += outcome.runs;
    if (!best || outcome.final.records < best->final.records) best = std::move(outcome);
  }
  best->runs = runs;
  return *best;
}


}  // namespace sim
