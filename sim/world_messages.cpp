// The world's message path: effects out of a step, sends through the
// network's plan, deliveries with their checks (crash, partition, checksum).
#include <algorithm>

#include "sim/assert.hpp"
#include "sim/hash.hpp"
#include "sim/world.hpp"

namespace sim {

void world::apply_effects(address self, record_sink& sink) {
  process_state& process = processes_[self.process];
  for (effect& item : scratch_.items()) {
    if (auto* send = std::get_if<send_effect>(&item)) {
      apply_send(self, *send, sink);
    } else if (auto* timer = std::get_if<set_timer_effect>(&item)) {
      set_timer(self, timer->timer_id, timer->delay_ns);
    } else if (auto* cancel = std::get_if<cancel_timer_effect>(&item)) {
      auto& generations = process.instances[self.instance].timer_generation;
      if (cancel->timer_id < generations.size()) generations[cancel->timer_id] = 0;
    } else if (auto* write = std::get_if<disk_write_effect>(&item)) {
      process.storage.write(write->write, write->synchronous, now_, process.random);
    } else if (std::holds_alternative<disk_sync_effect>(item)) {
      process.storage.sync(now_, process.random);
    } else if (auto* recorded = std::get_if<history_effect>(&item)) {
      history_.push_back({history_.size(), now_, self.process, recorded->record});
      trace_record record = new_record(record_kind::history);
      record.from = self;
      record.detail = static_cast<std::uint64_t>(recorded->record.type);
      const std::string text = recorded->record.operation + " " + recorded->record.key + " " + recorded->record.value;
      record.text = text;
      emit(sink, record);
    }
  }
  scratch_.clear();
}

void world::apply_send(address self, send_effect& send, record_sink& sink) {
  SYNCSIM_ASSERT(send.to.process < processes_.size());
  SYNCSIM_ASSERT(send.to.instance < processes_[send.to.process].instances.size());
  process_state& sender = processes_[self.process];
  const std::uint64_t slot = allocate_message_slot();
  message& item = messages_[slot];
  item.id = next_message_id_++;
  item.from = self;
  item.to = send.to;
  item.kind = send.kind;
  item.payload = std::move(send.payload);
  item.checksum = hash_bytes(item.payload);
  // Output waits for the fsyncs that precede it (durable before send).
  item.depart_at = std::max(now_, sender.storage.busy_until());
  item.sender_incarnation = sender.incarnation;
  item.in_flight = true;
  if (item.depart_at > now_) {
    // Held back by an fsync: it meets the network only when it leaves, and
    // not at all if the sender crashes first.
    events_.push({item.depart_at, 0, slot, item.id, self.process, self.instance, event_kind::depart});
    return;
  }
  dispatch(slot, sink);
}

void world::handle_departure(const event& item, record_sink& sink) {
  const message& leaving = messages_[item.first];
  SYNCSIM_ASSERT(leaving.in_flight);
  SYNCSIM_ASSERT(leaving.id == item.second);
  const process_state& sender = processes_[leaving.from.process];
  if (leaving.sender_incarnation != sender.incarnation) {
    network_.statistics().dropped_crash++;
    drop_record(leaving, "sender crashed before sending", sink);
    release_message(item.first);
    return;
  }
  dispatch(item.first, sink);
}

// A message leaves its sender now: the network decides its fate.
void world::dispatch(std::uint64_t slot, record_sink& sink) {
  message& item = messages_[slot];
  const address self = item.from;
  const address destination = item.to;
  const delivery_plan plan = network_.plan(self.process, destination.process, now_, item.payload.size());
  if (!network_.connected(self.process, destination.process)) {
    network_.statistics().dropped_partition++;
    drop_record(item, "partition", sink);
    release_message(slot);
    return;
  }
  if (plan.dropped) {
    drop_record(item, "lost", sink);
    release_message(slot);
    return;
  }
  if (plan.duplicated) {
    const std::uint64_t copy_slot = allocate_message_slot();
    messages_[copy_slot] = messages_[slot];
    events_.push({plan.duplicate_arrival, 0, copy_slot, messages_[copy_slot].id, destination.process,
                  destination.instance, event_kind::deliver});
  }
  message& original = messages_[slot];  // the duplicate may have moved the slots
  if (plan.corrupted) {
    original.payload[plan.corrupt_bit / 8] ^= static_cast<std::uint8_t>(1U << (plan.corrupt_bit % 8));
  }
  SYNCSIM_ASSERT(plan.arrival >= original.depart_at);
  events_.push({plan.arrival, 0, slot, original.id, destination.process, destination.instance, event_kind::deliver});
}

std::uint64_t world::allocate_message_slot() {
  if (free_slots_.empty()) {
    messages_.emplace_back();
    return messages_.size() - 1;
  }
  const std::uint64_t slot = free_slots_.back();
  free_slots_.pop_back();
  return slot;
}

void world::release_message(std::uint64_t slot) {
  message& item = messages_[slot];
  item.in_flight = false;
  item.payload.clear();
  free_slots_.push_back(slot);
}

trace_record world::message_record(record_kind kind, const message& item) {
  trace_record record = new_record(kind);
  record.from = item.from;
  record.to = item.to;
  record.message_channel = item.kind;
  record.message_id = item.id;
  record.detail = item.checksum;
  record.depart_at = item.depart_at;
  record.payload = item.payload;
  return record;
}

void world::drop_record(const message& item, const char* reason, record_sink& sink) {
  trace_record record = message_record(record_kind::drop, item);
  record.text = reason;
  emit(sink, record);
}

// Why a message that arrives now cannot be handed to its receiver, or
// nullptr. Counts the drop.
const char* world::arrival_blocked(const message& item) {
  network_statistics& counters = network_.statistics();
  if (processes_[item.to.process].status != process_status::up) {
    counters.dropped_crash++;
    return "receiver down";
  }
  if (!network_.connected(item.from.process, item.to.process)) {
    counters.dropped_partition++;
    return "partition";
  }
  return nullptr;
}

void world::handle_delivery(const event& item, record_sink& sink) {
  message& delivered = messages_[item.first];
  SYNCSIM_ASSERT(delivered.in_flight);
  SYNCSIM_ASSERT(delivered.id == item.second);
  if (defer_if_paused(item)) return;
  if (const char* reason = arrival_blocked(delivered)) {
    drop_record(delivered, reason, sink);
    release_message(item.first);
    return;
  }
  if (hash_bytes(delivered.payload) != delivered.checksum) {
    network_.statistics().corrupted++;
    trace_record record = message_record(record_kind::corrupt, delivered);
    emit(sink, record);
    release_message(item.first);
    return;
  }
  network_.statistics().delivered++;
  trace_record record = message_record(record_kind::deliver, delivered);
  emit(sink, record);
  scratch_.clear();
  const envelope view{delivered.from, delivered.kind, delivered.id, delivered.payload};
  if (watches_deliveries_) watch_delivery(delivered);
  processes_[item.process].instances[item.instance].value.get()->on_message(
      context_for(item.process, item.instance), view, scratch_);
  // The actor may have sent messages that reused slots: release ours last.
  release_message(item.first);
  apply_effects({item.process, item.instance}, sink);
}

}  // namespace sim
