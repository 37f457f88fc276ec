#include "sim/trace_record.hpp"

namespace sim {

const char* record_kind_name(record_kind kind) {
  switch (kind) {
    case record_kind::start: return "start";
    case record_kind::deliver: return "deliver";
    case record_kind::timer: return "timer";
    case record_kind::drop: return "drop";
    case record_kind::corrupt: return "corrupt";
    case record_kind::fault: return "fault";
    case record_kind::history: return "history";
    case record_kind::phase: return "phase";
  }
  return "unknown";
}

}  // namespace sim
