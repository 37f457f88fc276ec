#include "sim/checker.hpp"

namespace sim {

const char* checker_kind_name(checker_kind kind) {
  switch (kind) {
    case checker_kind::invariant: return "invariant";
    case checker_kind::history: return "history";
    case checker_kind::liveness: return "liveness";
  }
  return "unknown";
}

}  // namespace sim
