#pragma once
// Writes a run's trace as JSON Lines while it runs.

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "sim/run_config.hpp"
#include "sim/simulation.hpp"

namespace traces {

class trace_writer final : public sim::trace_observer {
 public:
  // Opens `path` and writes the header; throws std::runtime_error naming the
  // file if it cannot be written.
  trace_writer(const std::string& path, const sim::scenario& input, std::uint64_t seed);
  void on_record(const sim::world& state, const sim::trace_record& record) override;
  // Writes the footer and closes the file.
  void finish(const sim::run_result& result);

 private:
  std::string path_;
  std::ofstream output_;
};

// Runs the scenario with this seed from the start, writing its trace to
// `path`; how fuzz and shrink keep the runs they report.
sim::run_result write_trace_of_run(const std::string& path, const sim::scenario& input,
                                   std::shared_ptr<const sim::system> behaviour, std::uint64_t seed);

}  // namespace traces
