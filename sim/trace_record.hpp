#pragma once
// One line of a run's story: every event the kernel handles, plus the
// decisions worth seeing (a drop, a corrupted message caught, a fault). The
// kernel hashes every record into the stream hash whether or not a trace is
// written; text is made only when a sink asks for it.

#include <cstdint>
#include <span>
#include <string>

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

struct trace_record {
  std::uint64_t index = 0;  // position in the event stream
  time_ns time = 0;
  record_kind kind = record_kind::deliver;
  address from;
  address to;
  channel message_channel = channel::peer;
  std::uint64_t message_id = 0;
  std::uint64_t detail = 0;  // timer id, incarnation, payload checksum
  std::string text;          // fault, drop reason, history or phase description
  // Valid only while the record is being observed.
  std::span<const std::uint8_t> payload;

  std::uint64_t hash() const {
    hasher result;
    result.add(index).add(static_cast<std::uint64_t>(time)).add(static_cast<std::uint64_t>(kind));
    result.add(from.process).add(from.instance).add(to.process).add(to.instance);
    result.add(static_cast<std::uint64_t>(message_channel)).add(message_id).add(detail);
    return result.add_string(text).value();
  }
};

}  // namespace sim
