#pragma once
// How a protocol family plugs into the kernel without the kernel knowing it:
// a system_definition names the family, its checkers and bug switches, and
// parses its scenario options into a configured system that makes actors and
// checkers. protocols/registry.hpp lists every family.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/actor.hpp"
#include "sim/checker.hpp"
#include "sim/scenario.hpp"

namespace sim {

struct bug_description {
  std::string name;     // "raft.commit_previous_term"
  std::string checker;  // the checker meant to catch it
  std::string summary;
};

// What a system knows of the run it makes actors and checkers for.
struct cluster_shape {
  std::uint32_t servers = 0;
  std::uint32_t clients = 0;
  // The run's seed: draws the workload knobs the scenario leaves open
  // (sim/workload_draws.hpp), the same for every process of the run.
  std::uint64_t seed = 0;
};

class system {
 public:
  virtual ~system() = default;
  virtual std::uint16_t server_instances() const { return 1; }
  virtual std::uint16_t client_instances() const { return 1; }
  virtual std::unique_ptr<actor> make_server(std::uint32_t server, std::uint16_t instance,
                                             const cluster_shape& shape) const = 0;
  virtual std::unique_ptr<actor> make_client(std::uint32_t client, std::uint16_t instance,
                                             const cluster_shape& shape) const = 0;
  // Human-readable text of a message for traces ("ping seq=3"), decoded from
  // its payload alone; only called when a trace is written.
  virtual std::string describe(address to, const envelope& message) const = 0;
  // Every checker of the family, already configured.
  virtual std::vector<std::unique_ptr<checker>> make_checkers(const cluster_shape& shape) const = 0;
  // A report the family adds to a run's summary once it ends (the lock
  // manager's latency table), or "" for none.
  virtual std::string report(const world& state) const {
    (void)state;
    return {};
  }
};

class system_definition {
 public:
  virtual ~system_definition() = default;
  virtual std::string name() const = 0;
  virtual std::string summary() const = 0;
  virtual std::vector<checker_description> checkers() const = 0;
  virtual std::vector<bug_description> bugs() const = 0;
  // Parses scenario.protocol_options_json and scenario.workload_json; throws
  // scenario_error naming the file and pointer. `bugs` are already known to
  // belong to this family.
  virtual std::shared_ptr<const system> configure(const scenario& input,
                                                  const std::set<std::string>& bugs) const = 0;
  // Smaller workloads for `syncsim shrink` to try, as workload JSON texts,
  // most reduced first, given the most operations any client invoked in the
  // failing run. A family without any is still shrunk by the kernel's own
  // reductions (faults, run length, processes, network).
  virtual std::vector<std::string> simpler_workloads(const scenario& input,
                                                     std::uint64_t operations_per_client_max) const {
    (void)input;
    (void)operations_per_client_max;
    return {};
  }
  // The workload this seed runs, as workload JSON text with every knob the
  // scenario leaves open written in as drawn (`syncsim shrink` makes a run
  // explicit with it). A family without open workload knobs returns the
  // scenario's workload unchanged.
  virtual std::string explicit_workload(const scenario& input, std::uint64_t seed) const {
    (void)seed;
    return input.workload_json;
  }
  // Protocol options that make a run quieter (fewer heartbeats), as option
  // JSON texts for `syncsim shrink` to try; none by default.
  virtual std::vector<std::string> quieter_options(const scenario& input) const {
    (void)input;
    return {};
  }
};

}  // namespace sim
