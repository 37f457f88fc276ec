// Triggered faults: the world watches for the event a trigger names (a
// server starting to play a role, a message delivered) and schedules the
// trigger's fault as a new entry of the run's schedule, with "@subject"
// resolved to the server the event happened to. The draws come from their
// own stream, so a trigger never reshuffles the scheduled faults.
#include <string_view>

#include "sim/assert.hpp"
#include "sim/world.hpp"

namespace sim {
namespace {

constexpr std::string_view subject_target = "@subject";

void replace_subject(std::vector<std::string>& names, const std::string& subject) {
  for (std::string& name : names) {
    if (name == subject_target) name = subject;
  }
}

}  // namespace

// After every event: a role trigger fires for each server that plays its
// role now and did not after the previous event.
void world::watch_roles() {
  for (std::size_t index = 0; index < triggers_.size(); ++index) {
    const trigger_spec& trigger = config_.triggers[index];
    if (trigger.event != trigger_event::role) continue;
    std::uint64_t playing = 0;
    for (process_id id = 0; id < config_.servers; ++id) {
      const process_state& process = processes_[id];
      if (process.status != process_status::up) continue;
      for (const instance_state& instance : process.instances) {
        if (instance.value.get() != nullptr && instance.value.get()->has_role(trigger.match)) {
          playing |= std::uint64_t{1} << id;
        }
      }
    }
    const std::uint64_t started = playing & ~triggers_[index].playing;
    triggers_[index].playing = playing;
    for (process_id id = 0; id < config_.servers; ++id) {
      if (((started >> id) & 1) != 0) fire_trigger(index, id);
    }
  }
}

// Before the receiver handles it: the fault comes after it in any case,
// since a fault is an event of its own.
void world::watch_delivery(const message& item) {
  if (!processes_[item.to.process].server) return;
  std::string description;
  for (std::size_t index = 0; index < triggers_.size(); ++index) {
    const trigger_spec& trigger = config_.triggers[index];
    if (trigger.event != trigger_event::delivery) continue;
    if (description.empty()) description = describe(item);
    if (description.starts_with(trigger.match)) fire_trigger(index, item.to.process);
  }
}

void world::fire_trigger(std::size_t index, process_id subject) {
  const trigger_spec& trigger = config_.triggers[index];
  trigger_state& state = triggers_[index];
  if (healed_at_ != time_never || state.fired >= trigger.times_max) return;  // the safety phase only
  if (!trigger_random_.chance(trigger.probability)) return;
  state.fired++;
  fault_spec fault = trigger.fault;
  fault.at_ns = now_ + trigger_random_.between(trigger.after_ns.minimum, trigger.after_ns.maximum);
  if (trigger.duration_ns) {
    fault.duration_ns = trigger_random_.between(trigger.duration_ns->minimum, trigger.duration_ns->maximum);
  }
  const std::string& name = processes_[subject].name;
  replace_subject(fault.targets, name);
  for (auto& group : fault.groups) replace_subject(group, name);
  SYNCSIM_ASSERT(fault.at_ns >= now_);
  if (fault.at_ns > config_.duration_ns) return;  // the liveness phase is fault-free
  config_.faults.push_back(std::move(fault));
  fired_.emplace_back();
  events_.push({config_.faults.back().at_ns, 0, config_.faults.size() - 1, 0, 0, 0, event_kind::fault});
}

}  // namespace sim
