// What the lock table's leader proposes on its own, from its clock: lease
// expiries, wait timeouts and deadlock aborts; and snapshots of the table.
// Each replica measures leases and waits from when it applied the grant,
// renewal or wait itself: a new leader applied them no earlier than the
// old one, so its leases end no earlier than the old leader's would have.
#include <sstream>

#include "protocols/lock/lock_table.hpp"

namespace protocols::lock {

std::vector<std::string> lock_table::propose(sim::time_ns now) {
  std::vector<std::string> commands;
  std::erase_if(proposed_, [&](const auto& item) { return now - item.second >= timing_.repropose_ns; });
  propose_expiries(now, commands);
  propose_timeouts(now, commands);
  propose_abort(now, commands);
  return commands;
}

void lock_table::on_leadership(bool, sim::time_ns now) {
  proposed_.clear();
  detected_at_ = now;
  if (bugs_.token_per_leader) leader_tokens_ = 0;  // the bug: a counter that starts again at each leader
}

// A command proposed once is not proposed again until repropose_ns has
// passed (it may have been lost with a deposed leader's log).
bool lock_table::worth_proposing(const std::string& command, sim::time_ns now) {
  return proposed_.emplace(command, now).second;
}

void lock_table::propose_expiries(sim::time_ns now, std::vector<std::string>& commands) {
  for (const auto& [name, lock] : locks_) {
    for (const lock_holder& holder : lock.holders) {
      if (holder.lease_ns == 0) continue;
      const auto since = lease_since_.find({name, holder.client});
      SYNCSIM_ASSERT(since != lease_since_.end());
      if (now - since->second < holder.lease_ns) continue;
      std::string command = "expire " + name + " " + std::to_string(holder.client) + " " +
                            std::to_string(holder.token) + " " + std::to_string(holder.renewed);
      if (worth_proposing(command, now)) commands.push_back(std::move(command));
    }
  }
}

void lock_table::propose_timeouts(sim::time_ns now, std::vector<std::string>& commands) {
  for (const auto& [name, lock] : locks_) {
    for (const lock_waiter& waiter : lock.queue) {
      const auto since = wait_since_.find(waiter.request);
      SYNCSIM_ASSERT(since != wait_since_.end());
      if (now - since->second < waiter.wait_ns) continue;
      std::string command =
          "timeout " + name + " " + std::to_string(waiter.client) + " " + std::to_string(waiter.request);
      if (worth_proposing(command, now)) commands.push_back(std::move(command));
    }
  }
}

// One victim per detection period: breaking one cycle may break others,
// and the next search sees what is left.
void lock_table::propose_abort(sim::time_ns now, std::vector<std::string>& commands) {
  if (now - detected_at_ < timing_.detection_period_ns) return;
  detected_at_ = now;
  const auto found = find_deadlock(views(), !bugs_.no_waiter_edges);
  if (!found) return;
  std::string command = "abort " + found->victim_lock + " " + std::to_string(found->victim.client) + " " +
                        std::to_string(found->victim.request);
  if (worth_proposing(command, now)) commands.push_back(std::move(command));
}

sim::bytes lock_table::encode() const {
  sim::bytes state;
  sim::byte_writer writer(state);
  writer.u64(last_token_).u32(static_cast<std::uint32_t>(locks_.size()));
  for (const auto& [name, lock] : locks_) {
    writer.text(name).u32(static_cast<std::uint32_t>(lock.holders.size()));
    for (const lock_holder& holder : lock.holders) {
      writer.u64(holder.client).u8(static_cast<std::uint8_t>(holder.mode)).u64(holder.token).u64(holder.renewed);
      writer.i64(holder.lease_ns);
    }
    writer.u32(static_cast<std::uint32_t>(lock.queue.size()));
    for (const lock_waiter& waiter : lock.queue) {
      writer.u64(waiter.client).u64(waiter.sequence).u64(waiter.request).u8(static_cast<std::uint8_t>(waiter.mode));
      writer.i64(waiter.wait_ns).i64(waiter.lease_ns);
    }
  }
  writer.u32(static_cast<std::uint32_t>(sessions_.size()));
  for (const auto& [client, session] : sessions_) writer.u64(client).u64(session.sequence).text(session.result);
  return state;
}

// A replica that loads a table starts every lease and wait afresh at `now`:
// later than when they began, so it never expires one early.
void lock_table::load(const sim::bytes& state, sim::time_ns now) {
  *this = lock_table(bugs_, timing_);  // which also forgets the cached hash
  sim::byte_reader reader(state);
  last_token_ = reader.u64();
  const std::uint32_t locks = reader.u32();
  for (std::uint32_t item = 0; item < locks; ++item) {
    const std::string name = reader.text();
    lock_entry& lock = locks_[name];
    const std::uint32_t holders = reader.u32();
    for (std::uint32_t position = 0; position < holders; ++position) {
      lock_holder holder;
      holder.client = reader.u64();
      holder.mode = static_cast<lock_mode>(reader.u8());
      holder.token = reader.u64();
      holder.renewed = reader.u64();
      holder.lease_ns = reader.i64();
      lease_since_[{name, holder.client}] = now;
      lock.holders.push_back(holder);
    }
    const std::uint32_t waiters = reader.u32();
    for (std::uint32_t position = 0; position < waiters; ++position) {
      lock_waiter waiter;
      waiter.client = reader.u64();
      waiter.sequence = reader.u64();
      waiter.request = reader.u64();
      waiter.mode = static_cast<lock_mode>(reader.u8());
      waiter.wait_ns = reader.i64();
      waiter.lease_ns = reader.i64();
      wait_since_[waiter.request] = now;
      lock.queue.push_back(waiter);
    }
  }
  const std::uint32_t sessions = reader.u32();
  for (std::uint32_t item = 0; item < sessions; ++item) {
    const std::uint64_t client = reader.u64();
    lock_session session;
    session.sequence = reader.u64();
    session.result = reader.text();
    sessions_[client] = session;
  }
  SYNCSIM_ASSERT(reader.at_end());
  detected_at_ = now;
}

}  // namespace protocols::lock
