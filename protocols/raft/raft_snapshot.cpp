// Log compaction (the paper's section 7): a server snapshots its state
// machine at its applied index and drops the log before it; a leader sends
// its snapshot to a follower that needs a compacted entry; and a restarted
// server rebuilds itself from the snapshot and the log records after it.
//
// On disk the snapshot is one value and the log a list of records, each
// with its index. Installing a snapshot writes the snapshot first and
// trims the log after it, so a crash between the two leaves the new
// snapshot beside the old log; restore keeps only records that continue the
// snapshot, which is what makes a crash during an install harmless.
#include "protocols/raft/raft_server.hpp"

namespace protocols::raft {
namespace {

sim::bytes encode_snapshot_record(const snapshot& data) {
  sim::bytes record;
  sim::byte_writer writer(record);
  write_snapshot(writer, data);
  return record;
}

}  // namespace

void raft_server::restore(const sim::disk_state& disk, sim::time_ns now) {
  if (const auto stored = disk.values.find(disk_key("hard_state")); stored != disk.values.end()) {
    sim::byte_reader reader(stored->second);
    term_ = reader.u64();
    voted_for_ = reader.i64();
  }
  if (const auto stored = disk.values.find(disk_key("snapshot")); stored != disk.values.end()) {
    sim::byte_reader reader(stored->second);
    snapshot_ = read_snapshot(reader);
    machine_->load(snapshot_.state, now);
    commit_ = snapshot_.index;  // a snapshot holds committed entries only
    applied_ = snapshot_.index;
  }
  disk_log_offset_ = snapshot_.index;
  if (const auto stored = disk.lists.find(disk_key("log")); stored != disk.lists.end()) restore_log(stored->second);
}

// Records up to the snapshot are skipped; the ones after it are kept only if
// they continue it: the list holds the snapshot's last entry with the
// snapshot's term, or starts right after it. Otherwise the list is what
// remains of a log the snapshot replaced (a crash came between the two
// writes of an install), and on_start empties it.
void raft_server::restore_log(const std::vector<sim::bytes>& records) {
  if (records.empty()) return;
  bool continues = false;
  for (std::size_t position = 0; position < records.size(); ++position) {
    sim::byte_reader reader(records[position]);
    const std::uint64_t index = reader.u64();
    log_entry entry = read_entry(reader);
    if (position == 0) {
      SYNCSIM_ASSERT(index >= 1);
      SYNCSIM_ASSERT(index <= first_index() + 1);  // the list is trimmed only up to a durable snapshot
      disk_log_offset_ = index - 1;
      continues = index == first_index() + 1;
    }
    SYNCSIM_ASSERT(index == disk_log_offset_ + 1 + position);  // records are contiguous
    if (index < first_index()) continue;
    if (index == first_index()) {
      continues = entry.term == snapshot_.term;
      continue;
    }
    if (!continues) break;
    chain_.push_back(entry_chain(chain_at(last_index()), entry));
    log_.push_back(std::move(entry));
  }
  if (!continues) {
    SYNCSIM_ASSERT(log_.empty());
    disk_log_repair_ = 0;
    disk_log_offset_ = first_index();
  }
}

// Compaction: the applied prefix becomes the snapshot. Neither write is
// waited for: until they are durable the old snapshot and log still hold
// everything, and the disk makes writes durable in order.
void raft_server::take_snapshot(sim::effects& out) {
  SYNCSIM_ASSERT(applied_ > first_index());
  SYNCSIM_ASSERT(applied_ <= commit_);
  snapshot taken{applied_, term_at(applied_), chain_at(applied_), configuration_at(applied_).first, machine_->encode()};
  out.set(disk_key("snapshot"), encode_snapshot_record(taken), false);
  drop_log_prefix(taken.index, out, false);
  snapshot_ = std::move(taken);
}

// Drops entries up to `index` (which the new snapshot covers) from memory
// and from the list on disk.
void raft_server::drop_log_prefix(std::uint64_t index, sim::effects& out, bool synchronous) {
  SYNCSIM_ASSERT(index >= first_index());
  SYNCSIM_ASSERT(index <= last_index());
  const auto dropped = static_cast<std::ptrdiff_t>(index - first_index());
  log_.erase(log_.begin(), log_.begin() + dropped);
  chain_.erase(chain_.begin(), chain_.begin() + dropped);
  out.drop_front(disk_key("log"), index - disk_log_offset_, synchronous);
  disk_log_offset_ = index;
}

void raft_server::send_snapshot(const sim::step_context& context, std::uint32_t peer, sim::effects& out) {
  SYNCSIM_ASSERT(first_index() > 0);
  // The follower's answer, not a pipeline, decides what is sent next.
  probing_ |= std::uint64_t{1} << peer;
  out.send(context.server(peer, group_), encode(install_snapshot{term_, read_round_, snapshot_}));
}

void raft_server::on_install_snapshot(const sim::step_context& context, const sim::envelope& message,
                                      sim::effects& out) {
  const install_snapshot request = decode_install_snapshot(message);
  if (!heed_leader(context, message.from, request.term, out)) return;
  const snapshot& incoming = request.data;
  // A snapshot of entries this server has already committed teaches it
  // nothing (a duplicate, or one overtaken by AppendEntries).
  if (incoming.index > commit_) {
    // Durable before the answer: the leader counts the snapshot's entries
    // as replicated here once it hears back.
    out.set(disk_key("snapshot"), encode_snapshot_record(incoming), true);
    if (incoming.index <= last_index() && term_at(incoming.index) == incoming.term) {
      drop_log_prefix(incoming.index, out, true);  // the entries after it stay (section 7)
    } else {
      log_.clear();
      chain_.clear();
      out.truncate(disk_key("log"), 0, true);
      disk_log_offset_ = incoming.index;
    }
    snapshot_ = incoming;
    machine_->load(snapshot_.state, context.local_time_ns);
    commit_ = snapshot_.index;
    applied_ = snapshot_.index;
    recompute_configuration();
  }
  out.send(message.from, encode(append_response{term_, true, commit_, request.read_round, 0}));
}

}  // namespace protocols::raft
