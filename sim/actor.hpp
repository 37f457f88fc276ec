#pragma once
// The protocol interface. A protocol instance (an actor) is a value: it is
// copyable, comparable and hashable, and it only steps. It reacts to one
// input (start from its disk, a message, a timer) and returns its effects as
// data; it never calls the network, the clock or a global. The same code can
// therefore run under random simulation and under exhaustive exploration.
// Anchors: etcd-io/raft's Step and Ready; stateright's Actor and Out.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/bytes.hpp"
#include "sim/disk.hpp"
#include "sim/prng.hpp"
#include "sim/time.hpp"

namespace sim {

using process_id = std::uint32_t;

// One actor on one process: a process (a server or a client) can host several
// instances, e.g. a Raft group member, a queue shard and a cache.
struct address {
  process_id process = 0;
  std::uint16_t instance = 0;
  friend bool operator==(const address&, const address&) = default;
  friend auto operator<=>(const address&, const address&) = default;
};

// Peer traffic between servers, client requests, and replies to clients.
enum class channel : std::uint8_t { peer, request, reply };

struct envelope {
  address from;
  channel kind = channel::peer;
  std::uint64_t message_id = 0;
  std::span<const std::uint8_t> payload;
};

// A client-observed operation, as Jepsen records it: every invoke is later
// matched by ok, fail (it did not happen) or info (unknown outcome).
enum class history_type : std::uint8_t { invoke, ok, fail, info };

struct history_record {
  history_type type = history_type::invoke;
  std::string operation;  // "read", "write", "echo", ...
  std::string key;
  std::string value;  // argument for invoke, result for ok
  friend bool operator==(const history_record&, const history_record&) = default;
};

struct send_effect {
  address to;
  channel kind = channel::peer;
  bytes payload;
};
struct set_timer_effect {
  std::uint64_t timer_id = 0;
  time_ns delay_ns = 0;  // in the node's local time
};
struct cancel_timer_effect {
  std::uint64_t timer_id = 0;
};
struct disk_write_effect {
  disk_write write;
  bool synchronous = false;
};
struct disk_sync_effect {};
struct history_effect {
  history_record record;
};

using effect = std::variant<send_effect, set_timer_effect, cancel_timer_effect, disk_write_effect,
                            disk_sync_effect, history_effect>;

// The output of one step, in order. The kernel applies the effects in the
// order given: a send that follows a synchronous write leaves only once the
// write is durable.
class effects {
 public:
  void send(address to, bytes payload) { items_.emplace_back(send_effect{to, channel::peer, std::move(payload)}); }
  void request(address to, bytes payload) { items_.emplace_back(send_effect{to, channel::request, std::move(payload)}); }
  void reply(address to, bytes payload) { items_.emplace_back(send_effect{to, channel::reply, std::move(payload)}); }
  void set_timer(std::uint64_t timer_id, time_ns delay_ns) { items_.emplace_back(set_timer_effect{timer_id, delay_ns}); }
  void cancel_timer(std::uint64_t timer_id) { items_.emplace_back(cancel_timer_effect{timer_id}); }
  void write(disk_write write, bool synchronous) { items_.emplace_back(disk_write_effect{std::move(write), synchronous}); }
  void set(std::string key, bytes value, bool synchronous) {
    write({disk_operation::set, std::move(key), std::move(value), 0}, synchronous);
  }
  void push(std::string key, bytes value, bool synchronous) {
    write({disk_operation::push, std::move(key), std::move(value), 0}, synchronous);
  }
  void truncate(std::string key, std::uint64_t length, bool synchronous) {
    write({disk_operation::truncate, std::move(key), {}, length}, synchronous);
  }
  void drop_front(std::string key, std::uint64_t count, bool synchronous) {
    write({disk_operation::drop_front, std::move(key), {}, count}, synchronous);
  }
  void sync() { items_.emplace_back(disk_sync_effect{}); }
  void record(history_record record) { items_.emplace_back(history_effect{std::move(record)}); }

  std::vector<effect>& items() { return items_; }
  const std::vector<effect>& items() const { return items_; }
  void clear() { items_.clear(); }

 private:
  std::vector<effect> items_;
};

// What an actor may know when it steps: who it is, the cluster's shape, its
// own clock reading and its own random stream. Nothing global.
struct step_context {
  address self;
  std::uint32_t servers = 0;
  std::uint32_t clients = 0;
  time_ns local_time_ns = 0;
  std::uint64_t incarnation = 0;  // 0 on first boot, +1 per restart
  prng* random = nullptr;
  prng& rng() const { return *random; }
  address server(std::uint32_t index, std::uint16_t instance = 0) const { return {index, instance}; }
  address client(std::uint32_t index, std::uint16_t instance = 0) const { return {servers + index, instance}; }
};

class actor {
 public:
  virtual ~actor() = default;
  // First boot (empty disk) or restart after a crash (the durable store).
  virtual void on_start(const step_context& context, const disk_state& disk, effects& out) = 0;
  virtual void on_message(const step_context& context, const envelope& message, effects& out) = 0;
  virtual void on_timer(const step_context& context, std::uint64_t timer_id, effects& out) = 0;

  virtual std::unique_ptr<actor> clone() const = 0;
  virtual bool equals(const actor& other) const = 0;
  virtual std::uint64_t fingerprint() const = 0;
  // Whether this actor currently plays a role ("leader"): lets fault
  // schedules target "@leader" without the kernel knowing any protocol.
  virtual bool has_role(std::string_view role) const {
    (void)role;
    return false;
  }
};

// Implements clone, equals and fingerprint for a value type that defines
// operator== and `std::uint64_t hash_value() const`.
template <class Derived>
class actor_value : public actor {
 public:
  std::unique_ptr<actor> clone() const final {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
  bool equals(const actor& other) const final {
    const auto* same = dynamic_cast<const Derived*>(&other);
    return same != nullptr && *same == static_cast<const Derived&>(*this);
  }
  std::uint64_t fingerprint() const final { return static_cast<const Derived&>(*this).hash_value(); }
  // Lets Derived default its operator==: the base holds no state.
  friend bool operator==(const actor_value&, const actor_value&) { return true; }
};

}  // namespace sim
