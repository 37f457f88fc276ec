// Faults taking effect in the world: resolving their targets when they fire,
// applying them, reverting the ones with a duration, and the heal that ends
// the safety phase.
#include <algorithm>
#include <string>

#include "sim/assert.hpp"
#include "sim/world.hpp"

namespace sim {

class world_fault_applier {
 public:
  world_fault_applier(world& state, record_sink& sink) : world_(state), sink_(sink) {}

  std::vector<process_id> resolve_targets(const std::vector<std::string>& targets) {
    std::vector<process_id> result;
    for (const std::string& target : targets) {
      const auto resolved = resolve(target);
      if (resolved && std::find(result.begin(), result.end(), *resolved) == result.end()) {
        result.push_back(*resolved);
      }
    }
    return result;
  }

  // A group names processes, roles resolved now ("@leader"), or
  // "@other_servers": every server no other group of the partition holds.
  std::vector<std::vector<process_id>> resolve_groups(const std::vector<std::vector<std::string>>& names) {
    std::vector<std::vector<process_id>> groups;
    std::vector<bool> placed(world_.config_.process_count(), false);
    for (const auto& group : names) {
      groups.emplace_back();
      for (const std::string& name : group) {
        if (name == other_servers) continue;
        const auto resolved = resolve(name);
        if (!resolved || placed[*resolved]) continue;
        placed[*resolved] = true;
        groups.back().push_back(*resolved);
      }
    }
    for (std::size_t index = 0; index < names.size(); ++index) {
      if (std::find(names[index].begin(), names[index].end(), other_servers) == names[index].end()) continue;
      for (process_id id = 0; id < world_.config_.servers; ++id) {
        if (!placed[id]) groups[index].push_back(id);
      }
    }
    return groups;
  }
  static constexpr const char* other_servers = "@other_servers";

  // "@random" draws a server; "@ROLE" is the first up server whose actors
  // report the role. A role nobody plays resolves to nothing.
  std::optional<process_id> resolve(const std::string& target) {
    if (target == "@random") {
      return static_cast<process_id>(world_.fault_random_.below(world_.config_.servers));
    }
    if (!target.empty() && target[0] == '@') {
      const std::string role = target.substr(1);
      for (process_id id = 0; id < world_.config_.servers; ++id) {
        const process_state& process = world_.processes_[id];
        if (process.status != process_status::up) continue;
        for (const instance_state& instance : process.instances) {
          if (instance.value.get() != nullptr && instance.value.get()->has_role(role)) return id;
        }
      }
      return std::nullopt;
    }
    const std::int64_t id = world_.config_.process_by_name(target);
    if (id < 0) return std::nullopt;
    return static_cast<process_id>(id);
  }

  void cut(world::fired_fault& fired, process_id from, process_id to) {
    if (from == to) return;
    world_.network_.cut(from, to);
    fired.cuts.emplace_back(from, to);
  }

  // Applies a fault whose targets are already resolved into fired.targets.
  void apply(const fault_spec& fault, world::fired_fault& fired) {
    fired.heal_epoch = world_.heal_epoch_;
    switch (fault.kind) {
      case fault_kind::crash:
        for (process_id id : fired.targets) crash(id);
        return;
      case fault_kind::restart:
        for (process_id id : fired.targets) restart(id);
        return;
      case fault_kind::pause:
        for (process_id id : fired.targets) world_.pause_process(id);
        return;
      case fault_kind::resume:
        for (process_id id : fired.targets) world_.resume_process(id);
        return;
      case fault_kind::lose:
        for (process_id id : fired.targets) lose(id);
        return;
      case fault_kind::partition:
      case fault_kind::partition_one_way:
        apply_partition(fault, fired);
        return;
      case fault_kind::isolate:
        for (process_id id : fired.targets) {
          for (process_id other = 0; other < world_.processes_.size(); ++other) {
            cut(fired, id, other);
            cut(fired, other, id);
          }
        }
        return;
      case fault_kind::heal:
        world_.network_.heal();
        world_.heal_epoch_++;
        return;
      case fault_kind::drift:
        for (process_id id : fired.targets) {
          world_.processes_[id].clock.set_drift(fault.drift_ppm, world_.now_);
        }
        return;
    }
    SYNCSIM_ASSERT(false);
  }

  void apply_partition(const fault_spec& fault, world::fired_fault& fired) {
    const std::vector<std::vector<process_id>> groups = resolve_groups(fault.groups);
    const bool one_way = fault.kind == fault_kind::partition_one_way;
    for (std::size_t left = 0; left < groups.size(); ++left) {
      for (std::size_t right = 0; right < groups.size(); ++right) {
        if (left == right || (one_way && !(left == 0 && right == 1))) continue;
        for (process_id from : groups[left]) {
          for (process_id to : groups[right]) cut(fired, from, to);
        }
      }
    }
  }

  // Undoes a fault whose duration ended. Partitions healed in between by a
  // heal are not undone twice.
  void revert(const fault_spec& fault, world::fired_fault& fired) {
    switch (fault.kind) {
      case fault_kind::crash:
        for (process_id id : fired.targets) restart(id);
        return;
      case fault_kind::pause:
        for (process_id id : fired.targets) world_.resume_process(id);
        return;
      case fault_kind::partition:
      case fault_kind::partition_one_way:
      case fault_kind::isolate:
        if (fired.heal_epoch == world_.heal_epoch_) {
          for (const auto& [from, to] : fired.cuts) world_.network_.uncut(from, to);
        }
        fired.cuts.clear();
        return;
      default:
        return;
    }
  }

  void crash(process_id id) {
    const process_status status = world_.processes_[id].status;
    if (status == process_status::up || status == process_status::paused) world_.crash_process(id);
  }

  void restart(process_id id) {
    if (world_.processes_[id].status != process_status::crashed) return;
    world_.statistics_.restarts++;
    world_.start_process(id, sink_);
  }

  void lose(process_id id) {
    crash(id);
    process_state& process = world_.processes_[id];
    process.storage.wipe();
    process.status = process_status::lost;
  }

 private:
  world& world_;
  record_sink& sink_;
};

namespace {

std::string describe_fault(const fault_spec& fault, bool revert, const std::vector<std::string>& targets) {
  std::string text = std::string(revert ? "end " : "") + fault_kind_name(fault.kind);
  for (const std::string& target : targets) text += " " + target;
  for (const auto& group : fault.groups) {
    text += " [";
    for (std::size_t i = 0; i < group.size(); ++i) text += (i ? " " : "") + group[i];
    text += "]";
  }
  if (fault.kind == fault_kind::drift) text += " " + std::to_string(fault.drift_ppm) + "ppm";
  if (fault.duration_ns && !revert) text += " for " + format_duration(*fault.duration_ns);
  return text;
}

}  // namespace

void world::handle_fault(const event& item, record_sink& sink) {
  const std::size_t index = item.first;
  const bool revert = item.second == 1;
  const fault_spec& fault = config_.faults.at(index);
  fired_fault& fired = fired_.at(index);
  world_fault_applier applier(*this, sink);
  if (!revert) {
    statistics_.faults_injected++;
    statistics_.faults_by_kind[static_cast<std::size_t>(fault.kind)]++;
    fired.targets = applier.resolve_targets(fault.targets);
  }
  std::vector<std::string> names;
  for (process_id id : fired.targets) names.push_back(processes_[id].name);
  trace_record record = new_record(record_kind::fault);
  record.detail = index;
  const std::string text = describe_fault(fault, revert, names);
  record.text = text;
  emit(sink, record);
  if (revert) {
    applier.revert(fault, fired);
    return;
  }
  applier.apply(fault, fired);
  if (fault.duration_ns) {
    events_.push({now_ + *fault.duration_ns, 0, index, 1, 0, 0, event_kind::fault});
  }
}

void world::heal_all(record_sink& sink, time_ns at) {
  SYNCSIM_ASSERT(at >= now_);
  now_ = at;
  trace_record record = new_record(record_kind::phase);
  record.text = "heal: partitions removed, crashed servers restarted, paused resumed, "
                "drop and corrupt off";
  emit(sink, record);
  network_.heal();
  heal_epoch_++;
  healed_at_ = now_;
  network_.stop_losing_messages();
  world_fault_applier applier(*this, sink);
  for (process_id id = 0; id < processes_.size(); ++id) {
    if (processes_[id].status == process_status::paused) resume_process(id);
    if (processes_[id].status == process_status::crashed) applier.restart(id);
  }
}

}  // namespace sim
