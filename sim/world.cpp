#include "sim/world.hpp"

#include <algorithm>

#include "sim/assert.hpp"
#include "sim/hash.hpp"

namespace sim {

const char* process_status_name(process_status status) {
  switch (status) {
    case process_status::up: return "up";
    case process_status::crashed: return "crashed";
    case process_status::paused: return "paused";
    case process_status::lost: return "lost";
  }
  return "unknown";
}

world::world(const run_config& config, std::shared_ptr<const system> behaviour)
    : config_(config),
      behaviour_(std::move(behaviour)),
      network_(config.process_count(), config.seed, config.links),
      fired_(config.faults.size()),
      fault_random_(prng::stream(config.seed, stream_purpose::faults, 1)),
      trigger_random_(prng::stream(config.seed, stream_purpose::faults, 2)) {
  SYNCSIM_ASSERT(behaviour_ != nullptr);
  SYNCSIM_ASSERT(config.servers > 0);
  for (process_id id = 0; id < config.process_count(); ++id) {
    process_state process;
    process.name = config.process_name(id);
    process.server = id < config.servers;
    process.random = process.server ? prng::stream(config.seed, stream_purpose::node, id)
                                    : prng::stream(config.seed, stream_purpose::workload, id);
    process.clock = drifting_clock(process.server ? config.drift_ppm.at(id) : 0);
    process.storage = disk(config.fsync, config.fsync_delay_ns, config.flush_interval_ns);
    const std::uint16_t instances =
        process.server ? behaviour_->server_instances() : behaviour_->client_instances();
    process.instances.resize(instances);
    processes_.push_back(std::move(process));
  }
  for (std::size_t index = 0; index < config.faults.size(); ++index) {
    events_.push({config.faults[index].at_ns, 0, index, 0, 0, 0, event_kind::fault});
  }
  triggers_.resize(config.triggers.size());
  for (const trigger_spec& trigger : config.triggers) {
    watches_roles_ = watches_roles_ || trigger.event == trigger_event::role;
    watches_deliveries_ = watches_deliveries_ || trigger.event == trigger_event::delivery;
  }
}

void world::boot(record_sink& sink) {
  for (process_id id = 0; id < processes_.size(); ++id) start_process(id, sink);
}

void world::emit(record_sink& sink, trace_record& record) {
  record.index = next_record_index_++;
  record.time = now_;
  sink.on_record(record);
}

step_context world::context_for(process_id id, std::uint16_t instance) {
  process_state& process = processes_[id];
  step_context context;
  context.self = {id, instance};
  context.servers = config_.servers;
  context.clients = config_.clients;
  context.local_time_ns = process.clock.local_time(now_);
  context.incarnation = process.incarnation;
  context.random = &process.random;
  return context;
}

void world::start_process(process_id id, record_sink& sink) {
  process_state& process = processes_[id];
  process.status = process_status::up;
  const cluster_shape shape{config_.servers, config_.clients, config_.seed};
  for (std::uint16_t instance = 0; instance < process.instances.size(); ++instance) {
    process.instances[instance].timer_generation.clear();
    process.instances[instance].value = actor_box(
        process.server ? behaviour_->make_server(id, instance, shape)
                       : behaviour_->make_client(id - config_.servers, instance, shape));
    SYNCSIM_ASSERT(process.instances[instance].value.get() != nullptr);
  }
  trace_record record = new_record(record_kind::start);
  record.to = {id, 0};
  record.detail = process.incarnation;
  emit(sink, record);
  for (std::uint16_t instance = 0; instance < process.instances.size(); ++instance) {
    scratch_.clear();
    const disk_state& durable = process.storage.durable_state(now_);
    process.instances[instance].value.get()->on_start(context_for(id, instance), durable, scratch_);
    apply_effects({id, instance}, sink);
  }
}

void world::crash_process(process_id id) {
  process_state& process = processes_[id];
  SYNCSIM_ASSERT(process.status == process_status::up || process.status == process_status::paused);
  process.storage.crash(now_);
  process.incarnation++;
  for (instance_state& instance : process.instances) {
    instance.value = actor_box();
    instance.timer_generation.clear();
  }
  process.deferred.clear();
  process.status = process_status::crashed;
  statistics_.crashes++;
}

void world::pause_process(process_id id) {
  process_state& process = processes_[id];
  if (process.status == process_status::up) process.status = process_status::paused;
}

void world::resume_process(process_id id) {
  process_state& process = processes_[id];
  if (process.status != process_status::paused) return;
  process.status = process_status::up;
  // What piled up during the pause is handled now, in arrival order.
  for (event item : process.deferred) {
    item.time = now_;
    events_.push(item);
  }
  process.deferred.clear();
}

bool world::defer_if_paused(const event& item) {
  process_state& process = processes_[item.process];
  if (process.status != process_status::paused) return false;
  process.deferred.push_back(item);
  return true;
}

void world::step(record_sink& sink) {
  const event item = events_.pop();
  SYNCSIM_ASSERT(item.time >= now_);
  now_ = item.time;
  statistics_.events++;
  prefetch_next_message();
  switch (item.kind) {
    case event_kind::deliver: handle_delivery(item, sink); break;
    case event_kind::timer: handle_timer(item, sink); break;
    case event_kind::fault: handle_fault(item, sink); break;
    case event_kind::depart: handle_departure(item, sink); break;
  }
  if (watches_roles_) watch_roles();
}

// The queue knows which messages come next: fetching their slots into the
// cache now overlaps those misses with handling this event. No effect on
// behaviour.
void world::prefetch_next_message() const {
  for (std::size_t ahead = 0; ahead < 2; ++ahead) {
    const event* next = events_.peek_sorted(ahead);
    if (next == nullptr) return;
    if (next->kind != event_kind::deliver) continue;
    const char* slot = reinterpret_cast<const char*>(&messages_[next->first]);
    __builtin_prefetch(slot);
    __builtin_prefetch(slot + 64);
  }
}

void world::handle_timer(const event& item, record_sink& sink) {
  process_state& process = processes_[item.process];
  if (process.status == process_status::crashed || process.status == process_status::lost) return;
  if (defer_if_paused(item)) return;
  instance_state& instance = process.instances[item.instance];
  const std::uint64_t timer_id = item.first;
  // A cancelled or re-armed timer's old event finds another generation.
  if (timer_id >= instance.timer_generation.size()) return;
  if (instance.timer_generation[timer_id] != item.second) return;
  instance.timer_generation[timer_id] = 0;
  statistics_.timers_fired++;
  trace_record record = new_record(record_kind::timer);
  record.to = {item.process, item.instance};
  record.detail = item.first;
  emit(sink, record);
  scratch_.clear();
  instance.value.get()->on_timer(context_for(item.process, item.instance), item.first, scratch_);
  apply_effects({item.process, item.instance}, sink);
}

void world::set_timer(address self, std::uint64_t timer_id, time_ns delay_ns) {
  SYNCSIM_ASSERT(delay_ns >= 0);
  SYNCSIM_ASSERT(timer_id < max_timer_id);
  process_state& process = processes_[self.process];
  instance_state& instance = process.instances[self.instance];
  const std::uint64_t generation = ++process.timer_generation;
  if (timer_id >= instance.timer_generation.size()) instance.timer_generation.resize(timer_id + 1, 0);
  instance.timer_generation[timer_id] = generation;
  const time_ns fire_at = now_ + process.clock.true_delay(delay_ns);
  events_.push({fire_at, 0, timer_id, generation, self.process, self.instance, event_kind::timer});
}

const actor* world::actor_at(address where) const {
  if (where.process >= processes_.size()) return nullptr;
  const process_state& process = processes_[where.process];
  if (where.instance >= process.instances.size()) return nullptr;
  return process.instances[where.instance].value.get();
}

std::size_t world::messages_in_flight() const {
  return messages_.size() - free_slots_.size();
}

bool world::fault_active() const {
  if (network_.any_partition()) return true;
  return std::any_of(processes_.begin(), processes_.end(), [](const process_state& process) {
    return process.status == process_status::crashed || process.status == process_status::paused;
  });
}

std::string world::describe(const message& item) const {
  const envelope view{item.from, item.kind, item.id, item.payload};
  return behaviour_->describe(item.to, view);
}

std::uint64_t world::fingerprint() const {
  hasher result;
  result.add(static_cast<std::uint64_t>(now_)).add(events_.next_sequence()).add(events_.size());
  for (const event& item : events_.items()) {  // heap order: a function of the history
    result.add(static_cast<std::uint64_t>(item.time)).add(item.sequence).add(item.first);
    result.add(item.second).add(item.process).add(item.instance).add(static_cast<std::uint64_t>(item.kind));
  }
  for (const process_state& process : processes_) {
    result.add(static_cast<std::uint64_t>(process.status)).add(process.incarnation);
    result.add(process.timer_generation).add(process.storage.fingerprint());
    for (std::uint64_t word : process.random.state()) result.add(word);
    result.add(static_cast<std::uint64_t>(process.clock.local_time(now_)));
    for (const instance_state& instance : process.instances) {
      const actor* value = instance.value.get();
      result.add(value == nullptr ? 0 : value->fingerprint());
      for (std::uint64_t generation : instance.timer_generation) result.add(generation);
    }
  }
  for (const message& item : messages_) {
    if (item.in_flight) result.add(item.id).add(item.checksum).add_bytes(item.payload);
  }
  result.add(network_.fingerprint()).add(next_message_id_).add(history_.size());
  for (std::uint64_t word : fault_random_.state()) result.add(word);
  for (std::uint64_t word : trigger_random_.state()) result.add(word);
  for (const trigger_state& trigger : triggers_) result.add(trigger.fired).add(trigger.playing);
  return result.add(config_.faults.size()).value();
}

}  // namespace sim
