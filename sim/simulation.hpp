#pragma once
// One run: a world, its checkers and the stream hash, driven through the
// safety phase (faults as scheduled), the heal, and the liveness phase. The
// whole simulation is a value too: snapshot() and restore() let the model
// checker and the shrinker branch and backtrack.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/checker.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace sim {

// Sees every record of a run in order (the trace writer is one).
class trace_observer {
 public:
  virtual ~trace_observer() = default;
  virtual void on_record(const world& state, const trace_record& record) = 0;
};

enum class run_phase : std::uint8_t { safety, liveness, finished };

// Beyond this many pending events a run fails as "resource": real protocols
// under test keep a few thousand; a message storm grows without bound.
inline constexpr std::size_t pending_events_max = 500'000;

struct run_result {
  std::optional<violation> failure;
  time_ns simulated_ns = 0;
  std::uint64_t events = 0;
  std::uint64_t records = 0;
  std::uint64_t trace_hash = 0;
  network_statistics network;
  world_statistics world;
  std::uint64_t disk_writes_lost = 0;
  std::vector<std::string> checkers;  // the names of the checkers that ran
  std::uint64_t checks = 0;           // checker invocations
  bool passed() const { return !failure.has_value(); }
};

class simulation final : private record_sink {
 public:
  simulation(const run_config& config, std::shared_ptr<const system> behaviour);
  simulation(const simulation& other);
  simulation& operator=(const simulation& other);
  simulation(simulation&&) noexcept = default;
  simulation& operator=(simulation&&) noexcept = default;
  ~simulation() override = default;

  // Observers are not part of a snapshot; one may be set on each copy.
  void set_observer(trace_observer* observer) { observer_ = observer; }
  // Runs to the end (or the first violation).
  run_result run();
  // Handles one event and the checks after it; false once the run is over.
  bool step();
  run_result result() const;

  const world& state() const { return world_; }
  run_phase phase() const { return phase_; }
  std::uint64_t trace_hash() const { return stream_hash_; }
  // Identifies the whole simulation state: equal fingerprints, equal futures.
  std::uint64_t fingerprint() const;

 private:
  void start();
  void on_record(const trace_record& item) override;
  void index_checkers();
  void expire_liveness();
  void check_after_event();
  void enter_liveness_phase();
  void check_liveness();
  void finish();
  void fail(std::string checker, std::string message);

  world world_;
  std::vector<std::unique_ptr<checker>> checkers_;
  std::vector<checker*> invariants_;        // run after events
  std::vector<checker*> record_observers_;  // see every record
  trace_observer* observer_ = nullptr;
  run_phase phase_ = run_phase::safety;
  time_ns phase_end_ = 0;  // the current phase ends after this time
  bool started_ = false;
  std::uint64_t stream_hash_ = 0;
  std::uint64_t records_ = 0;
  std::uint64_t checks_ = 0;
  std::uint64_t events_until_check_ = 1;
  std::vector<bool> liveness_satisfied_;
  std::optional<violation> failure_;
};

}  // namespace sim
