#include "sim/simulation.hpp"

#include <algorithm>

#include "sim/assert.hpp"
#include "sim/hash.hpp"

namespace sim {

simulation::simulation(const run_config& config, std::shared_ptr<const system> behaviour)
    : world_(config, behaviour) {
  for (auto& item : behaviour->make_checkers({config.servers, config.clients, config.seed})) {
    const auto& only = config.checker_names;
    if (only && std::find(only->begin(), only->end(), item->name()) == only->end()) continue;
    checkers_.push_back(std::move(item));
  }
  liveness_satisfied_.assign(checkers_.size(), false);
  phase_end_ = config.duration_ns;
  index_checkers();
}

void simulation::index_checkers() {
  invariants_.clear();
  record_observers_.clear();
  for (const auto& item : checkers_) {
    if (item->kind() == checker_kind::invariant) invariants_.push_back(item.get());
    if (item->observes_records()) record_observers_.push_back(item.get());
  }
}

simulation::simulation(const simulation& other)
    : world_(other.world_),
      phase_(other.phase_),
      phase_end_(other.phase_end_),
      started_(other.started_),
      stream_hash_(other.stream_hash_),
      records_(other.records_),
      checks_(other.checks_),
      liveness_satisfied_(other.liveness_satisfied_),
      failure_(other.failure_) {
  for (const auto& item : other.checkers_) checkers_.push_back(item->clone());
  index_checkers();
}

simulation& simulation::operator=(const simulation& other) {
  if (this != &other) {
    simulation copy(other);
    copy.observer_ = observer_;
    *this = std::move(copy);
  }
  return *this;
}

void simulation::on_record(const trace_record& item) {
  stream_hash_ = item.chain_hash(stream_hash_);
  records_++;
  if (observer_ != nullptr) observer_->on_record(world_, item);
  if (failure_) return;
  for (checker* item_checker : record_observers_) {
    if (auto message = item_checker->observe(world_, item)) {
      fail(std::string(item_checker->name()), std::move(*message));
      return;
    }
  }
}

void simulation::fail(std::string checker_name, std::string message) {
  if (failure_) return;
  failure_ = violation{std::move(checker_name), std::move(message), world_.statistics().events,
                       world_.now()};
}

void simulation::start() {
  started_ = true;
  try {
    world_.boot(*this);
  } catch (const assertion_failure& error) {
    fail("assertion", error.what());
  }
}

bool simulation::step() {
  if (!started_) start();
  if (phase_ == run_phase::finished) return false;
  if (failure_) {
    finish();
    return false;
  }
  const time_ns next = world_.has_events() ? world_.next_event_time() : time_never;
  if (next > phase_end_) {
    if (phase_ == run_phase::safety) {
      enter_liveness_phase();
      return phase_ != run_phase::finished;
    }
    expire_liveness();
    return false;
  }
  try {
    world_.step(*this);
    check_after_event();
  } catch (const assertion_failure& error) {
    fail("assertion", error.what());
  }
  // A protocol whose messages multiply (each answered by two) would take
  // the machine's memory before its run ends: stop it as a failure instead.
  if (!failure_ && world_.pending_events() > pending_events_max) {
    fail("resource", "more than " + std::to_string(pending_events_max) +
                         " events pending at once: the protocol floods the network (a message storm)");
  }
  if (phase_ == run_phase::liveness && !failure_) check_liveness();
  if (failure_) {
    finish();
    return false;
  }
  return phase_ != run_phase::finished;
}

// The liveness bound passed: every liveness checker still unsatisfied fails.
void simulation::expire_liveness() {
  check_liveness();
  for (std::size_t index = 0; index < checkers_.size() && !failure_; ++index) {
    if (checkers_[index]->kind() == checker_kind::liveness && !liveness_satisfied_[index]) {
      fail(std::string(checkers_[index]->name()),
           "not satisfied within the liveness bound of " + format_duration(world_.config().liveness_bound_ns) +
               " after the heal: " + checkers_[index]->unsatisfied_reason(world_));
    }
  }
  finish();
}

void simulation::check_after_event() {
  if (failure_ || invariants_.empty()) return;
  // A countdown instead of a modulo: this runs after every event.
  if (--events_until_check_ > 0) return;
  events_until_check_ = world_.config().check_every_events;
  for (checker* item : invariants_) {
    checks_++;
    if (auto message = item->check_basic(world_)) return fail(std::string(item->name()), *message);
    if (auto message = item->check_delta(world_)) return fail(std::string(item->name()), *message);
  }
}

void simulation::enter_liveness_phase() {
  world_.heal_all(*this, world_.config().duration_ns);
  phase_ = run_phase::liveness;
  phase_end_ = world_.config().duration_ns + world_.config().liveness_bound_ns;
  check_liveness();
}

// The run ends early once every liveness condition holds after the heal.
void simulation::check_liveness() {
  bool all_satisfied = true;
  bool any_liveness = false;
  for (std::size_t index = 0; index < checkers_.size(); ++index) {
    if (checkers_[index]->kind() != checker_kind::liveness) continue;
    any_liveness = true;
    if (!liveness_satisfied_[index]) {
      checks_++;
      liveness_satisfied_[index] = checkers_[index]->satisfied(world_);
    }
    all_satisfied = all_satisfied && liveness_satisfied_[index];
  }
  if (all_satisfied || !any_liveness) finish();
}

void simulation::finish() {
  if (phase_ == run_phase::finished) return;
  phase_ = run_phase::finished;
  if (failure_) return;
  for (auto& item : checkers_) {
    if (item->kind() != checker_kind::history) continue;
    checks_++;
    if (auto message = item->check_end(world_)) return fail(std::string(item->name()), *message);
  }
}

run_result simulation::run() {
  while (step()) {
  }
  return result();
}

run_result simulation::result() const {
  run_result summary;
  summary.failure = failure_;
  summary.simulated_ns = world_.now();
  summary.events = world_.statistics().events;
  summary.records = records_;
  summary.trace_hash = stream_hash_;
  summary.network = world_.links().statistics();
  summary.world = world_.statistics();
  for (const process_state& process : world_.processes()) {
    summary.disk_writes_lost += process.storage.statistics().writes_lost;
  }
  for (const auto& item : checkers_) summary.checkers.emplace_back(item->name());
  summary.checks = checks_;
  return summary;
}

std::uint64_t simulation::fingerprint() const {
  hasher result;
  result.add(world_.fingerprint()).add(stream_hash_).add(records_).add(static_cast<std::uint64_t>(phase_));
  return result.value();
}

}  // namespace sim
