#pragma once
// Traces as files for tests: written by a run into the build's temporary
// folder, read back and rewritten line by line.

#include <fstream>
#include <string>
#include <vector>

#include "protocols/registry.hpp"
#include "sim/simulation.hpp"
#include "traces/trace_writer.hpp"

namespace test_support {

inline std::string temporary_path(const std::string& name) { return std::string(SYNCSIM_BUILD_TEMPORARY) + "/" + name; }

inline void write_trace(const std::string& path, const sim::scenario& input, std::uint64_t seed) {
  traces::trace_writer writer(path, input, seed);
  sim::simulation run(sim::resolve_run_config(input, seed), protocols::configure_system(input));
  run.set_observer(&writer);
  writer.finish(run.run());
}

inline std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream input(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(input, line);) lines.push_back(line);
  return lines;
}

inline void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::ofstream output(path);
  for (const std::string& line : lines) output << line << "\n";
}

}  // namespace test_support
