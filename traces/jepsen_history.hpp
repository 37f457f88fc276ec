#pragma once
// Reads client histories recorded by Jepsen into the linearizability
// checker's operations: etcd-style log lines
//   INFO  jepsen.util - 3	:invoke	:write	4
// and EDN maps, one event per line
//   {:process 0, :type :invoke, :f :append, :key "0", :value "x 0 0 y"}
// An :info (or an invocation never completed) has an unknown outcome; a
// :fail of a cas is a cas that returned false; a :fail of a read or write
// did not happen.

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/linearizability.hpp"

namespace traces {

// A history that cannot be read: what() is "FILE:LINE: message".
class history_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::vector<sim::linearizability::operation> read_jepsen_history(const std::string& path);

}  // namespace traces
