#pragma once
// The world: every process (servers and clients) with its actors, timers,
// clock and disk; the network with its in-flight messages; the pending
// events; the client history. It is a value: copying it is a snapshot,
// fingerprint() identifies it, assigning a copy back restores it. One step
// handles exactly one event.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/actor.hpp"
#include "sim/clock.hpp"
#include "sim/disk.hpp"
#include "sim/event_queue.hpp"
#include "sim/network.hpp"
#include "sim/run_config.hpp"
#include "sim/system.hpp"
#include "sim/trace_record.hpp"

namespace sim {

enum class process_status : std::uint8_t { up, crashed, paused, lost };
const char* process_status_name(process_status status);

// Owns one actor; copying clones it, comparing compares values.
class actor_box {
 public:
  actor_box() = default;
  explicit actor_box(std::unique_ptr<actor> value) : value_(std::move(value)) {}
  actor_box(const actor_box& other) : value_(other.value_ ? other.value_->clone() : nullptr) {}
  actor_box& operator=(const actor_box& other) {
    if (this != &other) value_ = other.value_ ? other.value_->clone() : nullptr;
    return *this;
  }
  actor_box(actor_box&&) noexcept = default;
  actor_box& operator=(actor_box&&) noexcept = default;
  actor* get() const { return value_.get(); }
  friend bool operator==(const actor_box& left, const actor_box& right) {
    if (!left.value_ || !right.value_) return left.value_ == right.value_;
    return left.value_->equals(*right.value_);
  }

 private:
  std::unique_ptr<actor> value_;
};

// Timer ids are small integers an actor chooses (an election timer, a
// heartbeat timer), so the armed timers are a vector indexed by id.
inline constexpr std::uint64_t max_timer_id = 4096;

struct instance_state {
  actor_box value;
  // generation of the armed timer per id; 0 when not armed
  std::vector<std::uint64_t> timer_generation;
  friend bool operator==(const instance_state&, const instance_state&) = default;
};

struct process_state {
  std::string name;
  bool server = true;
  process_status status = process_status::up;
  std::uint64_t incarnation = 0;
  std::vector<instance_state> instances;
  prng random;
  drifting_clock clock;
  disk storage;
  std::vector<event> deferred;  // events that arrived while paused
  std::uint64_t timer_generation = 0;
  friend bool operator==(const process_state&, const process_state&) = default;
};

struct message {
  std::uint64_t id = 0;
  address from;
  address to;
  channel kind = channel::peer;
  bytes payload;
  std::uint64_t checksum = 0;
  time_ns depart_at = 0;
  std::uint64_t sender_incarnation = 0;
  bool in_flight = false;
  friend bool operator==(const message&, const message&) = default;
};

struct history_event {
  std::uint64_t index = 0;
  time_ns time = 0;
  process_id process = 0;
  history_record record;
  friend bool operator==(const history_event&, const history_event&) = default;
};

struct world_statistics {
  std::uint64_t events = 0;
  std::uint64_t faults_injected = 0;
  std::uint64_t timers_fired = 0;
  std::uint64_t crashes = 0;
  std::uint64_t restarts = 0;
  // Faults injected, indexed by fault_kind (reverts are not counted).
  std::array<std::uint64_t, fault_kind_count> faults_by_kind{};
  friend bool operator==(const world_statistics&, const world_statistics&) = default;
};

class record_sink {
 public:
  virtual ~record_sink() = default;
  virtual void on_record(const trace_record& record) = 0;
};

class world {
 public:
  world(const run_config& config, std::shared_ptr<const system> behaviour);

  // Starts every process; call once before stepping.
  void boot(record_sink& sink);
  bool has_events() const { return !events_.empty(); }
  time_ns next_event_time() const { return events_.top().time; }
  // Handles the next event; its time becomes now.
  void step(record_sink& sink);
  // The end of the safety phase: heal every partition, restart crashed and
  // resume paused servers, stop dropping and corrupting messages.
  void heal_all(record_sink& sink, time_ns at);

  time_ns now() const { return now_; }
  // When the safety phase ended with heal_all (time_never before that).
  time_ns healed_at() const { return healed_at_; }
  const run_config& config() const { return config_; }
  const system& behaviour() const { return *behaviour_; }
  const std::vector<process_state>& processes() const { return processes_; }
  const process_state& process(process_id id) const { return processes_.at(id); }
  const network& links() const { return network_; }
  const std::vector<history_event>& history() const { return history_; }
  const world_statistics& statistics() const { return statistics_; }
  std::size_t pending_events() const { return events_.size(); }
  std::size_t messages_in_flight() const;
  bool fault_active() const;

  const actor* actor_at(address where) const;
  template <class T>
  const T* actor_as(address where) const {
    return dynamic_cast<const T*>(actor_at(where));
  }
  std::string describe(const message& item) const;
  std::uint64_t fingerprint() const;

 private:
  friend class world_fault_applier;
  struct fired_fault {
    std::vector<process_id> targets;
    std::vector<std::pair<process_id, process_id>> cuts;
    std::uint64_t heal_epoch = 0;
    friend bool operator==(const fired_fault&, const fired_fault&) = default;
  };

  void emit(record_sink& sink, trace_record& record);
  step_context context_for(process_id id, std::uint16_t instance);
  void start_process(process_id id, record_sink& sink);
  void crash_process(process_id id);
  void pause_process(process_id id);
  void resume_process(process_id id);
  void apply_effects(address self, record_sink& sink);
  void apply_send(address self, send_effect& send, record_sink& sink);
  std::uint64_t allocate_message_slot();
  void set_timer(address self, std::uint64_t timer_id, time_ns delay_ns);
  void handle_delivery(const event& item, record_sink& sink);
  void handle_departure(const event& item, record_sink& sink);
  void dispatch(std::uint64_t slot, record_sink& sink);
  void handle_timer(const event& item, record_sink& sink);
  void handle_fault(const event& item, record_sink& sink);
  // Triggers (sim/world_triggers.cpp).
  void watch_roles();
  void watch_delivery(const message& item);
  void fire_trigger(std::size_t index, process_id subject);
  bool defer_if_paused(const event& item);
  void prefetch_next_message() const;
  void release_message(std::uint64_t slot);
  void drop_record(const message& item, const char* reason, record_sink& sink);
  static trace_record message_record(record_kind kind, const message& item);
  const char* arrival_blocked(const message& item);

  run_config config_;
  std::shared_ptr<const system> behaviour_;
  time_ns now_ = 0;
  event_queue events_;
  std::vector<process_state> processes_;
  network network_;
  std::vector<message> messages_;  // slots; free ones listed in free_slots_
  std::vector<std::uint64_t> free_slots_;
  std::uint64_t next_message_id_ = 1;
  std::uint64_t next_record_index_ = 0;
  std::uint64_t heal_epoch_ = 0;
  time_ns healed_at_ = time_never;
  std::vector<fired_fault> fired_;
  prng fault_random_;
  // Per trigger: how often it fired, and for a role trigger which servers
  // played the role after the last event (a bit per server).
  struct trigger_state {
    std::uint32_t fired = 0;
    std::uint64_t playing = 0;
    friend bool operator==(const trigger_state&, const trigger_state&) = default;
  };
  std::vector<trigger_state> triggers_;
  bool watches_roles_ = false;
  bool watches_deliveries_ = false;
  prng trigger_random_;
  std::vector<history_event> history_;
  world_statistics statistics_;
  effects scratch_;  // reused between steps to avoid reallocating
};

}  // namespace sim
