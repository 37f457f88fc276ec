#pragma once
// Raft with its replicated key-value store, as a family the registry knows.

#include "sim/system.hpp"

namespace protocols::raft {

const sim::system_definition& raft_definition();

}  // namespace protocols::raft
