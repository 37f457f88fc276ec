#pragma once
// One line of a run's story: every event the kernel handles, plus the
// decisions worth seeing (a drop, a corrupted message caught, a fault). The
// kernel hashes every record into the stream hash whether or not a trace is
// written; text is made only when a sink asks for it.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/actor.hpp"
#include "sim/hash.hpp"
#include "sim/time.hpp"

namespace sim {

enum class record_kind : std::uint8_t {
  start,      // a process boots (incarnation 0) or restarts
  deliver,    // a message reaches an actor
  timer,      // a timer fires
  drop,       // a message is lost: drop predicate, partition, or crash
  corrupt,    // a corrupted message fails its checksum and is discarded
  fault,      // a fault takes effect (or is reverted)
  history,    // a client records an operation
  phase,      // the safety phase ends: heal; the liveness phase begins
};

const char* record_kind_name(record_kind kind);
struct trace_record;

// Fields have no default initializers on purpose: a record is made for
// every event, and new_record() sets each field with a plain store, where a
// zero-initialized local becomes a slow block fill on some processors.
struct trace_record {
  std::uint64_t index;  // position in the event stream
  time_ns time;
  record_kind kind;
  address from;
  address to;
  channel message_channel;
  std::uint64_t message_id;
  std::uint64_t detail;  // timer id, incarnation, payload checksum
  // When a delivered, dropped or corrupted message left its sender. Left out
  // of chain_hash: it follows from the events before it, and keeping it out
  // leaves the stream hashes of existing runs as they were.
  time_ns depart_at;
  // Fault, drop reason, history or phase description. A view: records are
  // observed while they are made, and most have no text.
  std::string_view text;
  // Valid only while the record is being observed.
  std::span<const std::uint8_t> payload;

  // Folds this record into the running stream hash. Computed for every
  // record of every run, so it folds cheaply and mixes once at the end; the
  // record's index is implied by its position in the chain.
  std::uint64_t chain_hash(std::uint64_t stream) const {
    const std::uint64_t kinds = static_cast<std::uint64_t>(kind) << 56 |
                                static_cast<std::uint64_t>(message_channel) << 48 |
                                std::uint64_t{from.instance} << 40 | std::uint64_t{to.instance} << 32;
    const std::uint64_t processes = std::uint64_t{from.process} << 32 | to.process;
    std::uint64_t result = fold_word(stream, static_cast<std::uint64_t>(time));
    result = fold_word(result, kinds);
    result = fold_word(result, processes);
    result = fold_word(result, message_id);
    result = fold_word(result, detail);
    if (!text.empty()) result = fold_word(result, hash_string(text));
    return mix64(result);
  }
};

inline trace_record new_record(record_kind kind) {
  trace_record record;
  record.index = 0;
  record.time = 0;
  record.kind = kind;
  record.from = {};
  record.to = {};
  record.message_channel = channel::peer;
  record.message_id = 0;
  record.detail = 0;
  record.depart_at = 0;
  record.text = {};
  record.payload = {};
  return record;
}

}  // namespace sim
