#pragma once
// The processes of a trace in the order of the run: servers n0.., then
// clients c0.., as the start lines at time 0 name them. Exporters number and
// sort what they draw by it.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace traces {

class process_order {
 public:
  // The position of `process`; one not seen before comes after all those
  // seen, which for a trace's start lines is the run's own order.
  std::size_t index_of(const std::string& process) {
    const auto [found, added] = positions_.emplace(process, names_.size());
    if (added) names_.push_back(process);
    return found->second;
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  std::map<std::string, std::size_t> positions_;
};

}  // namespace traces
