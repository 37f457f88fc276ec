#pragma once
// The checker framework. Checkers are oracles outside the protocols: they
// read the god's-eye world and the client history, never change them.
// - invariants run after every event (or every Nth, a scenario option):
//   check_basic over the current state, check_delta against what the checker
//   remembered from the previous check (anchor: logcabin's
//   RaftConsensusInvariants, tigerbeetle's state_checker.zig);
// - history checkers run once at the end over the client history;
// - liveness checkers must be satisfied within a bound after the last heal.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace_record.hpp"

namespace sim {

class world;

enum class checker_kind : std::uint8_t { invariant, history, liveness };

const char* checker_kind_name(checker_kind kind);

class checker {
 public:
  virtual ~checker() = default;
  virtual std::string_view name() const = 0;
  virtual checker_kind kind() const = 0;
  virtual std::unique_ptr<checker> clone() const = 0;

  // Invariants: after an event. Return a message to report a violation.
  virtual std::optional<std::string> check_basic(const world& state) {
    (void)state;
    return std::nullopt;
  }
  virtual std::optional<std::string> check_delta(const world& state) {
    (void)state;
    return std::nullopt;
  }
  // Every record as it happens, for checkers that accumulate (a ledger).
  // Called only when observes_records() is true: most checkers need not pay
  // a call per record.
  virtual bool observes_records() const { return false; }
  virtual std::optional<std::string> observe(const world& state, const trace_record& record) {
    (void)state;
    (void)record;
    return std::nullopt;
  }
  // History checkers: once, when the run ends.
  virtual std::optional<std::string> check_end(const world& state) {
    (void)state;
    return std::nullopt;
  }
  // Liveness: polled after the heal; true once the condition holds.
  virtual bool satisfied(const world& state) {
    (void)state;
    return true;
  }
  // Liveness: what was still missing when the bound expired.
  virtual std::string unsatisfied_reason(const world& state) const {
    (void)state;
    return "condition not reached";
  }
};

struct checker_description {
  std::string name;
  checker_kind kind = checker_kind::invariant;
  std::string summary;
};

struct violation {
  std::string checker;
  std::string message;
  std::uint64_t event_index = 0;
  time_ns time = 0;
};

}  // namespace sim
