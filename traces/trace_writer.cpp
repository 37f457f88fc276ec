#include "traces/trace_writer.hpp"

#include <stdexcept>

#include "traces/trace_format.hpp"

namespace traces {

trace_writer::trace_writer(const std::string& path, const sim::scenario& input, std::uint64_t seed)
    : path_(path), output_(path, std::ios::binary | std::ios::trunc) {
  if (!output_) throw std::runtime_error(path + ": cannot open the trace file for writing");
  output_ << format_header(input, seed) << '\n';
}

void trace_writer::on_record(const sim::world& state, const sim::trace_record& record) {
  output_ << format_record(state, record) << '\n';
}

void trace_writer::finish(const sim::run_result& result) {
  output_ << format_footer(result) << '\n';
  output_.close();
  if (!output_) throw std::runtime_error(path_ + ": error while writing the trace");
}

sim::run_result write_trace_of_run(const std::string& path, const sim::scenario& input,
                                   std::shared_ptr<const sim::system> behaviour, std::uint64_t seed) {
  trace_writer writer(path, input, seed);
  sim::simulation simulation(sim::resolve_run_config(input, seed), std::move(behaviour));
  simulation.set_observer(&writer);
  const sim::run_result result = simulation.run();
  writer.finish(result);
  return result;
}

}  // namespace traces
