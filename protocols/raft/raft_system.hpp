#pragma once
// Raft with its replicated key-value store, as a family the registry knows.

#include "protocols/raft/raft_server.hpp"
#include "sim/system.hpp"

namespace sim {
class json_object;
}

namespace protocols::raft {

const sim::system_definition& raft_definition();

// Raft's own options from a protocol's options object (unknown keys left for
// the caller, which may read its own and then finish), bug switches off.
raft_options read_raft_options(sim::json_object& reader, const sim::scenario& input);
// Option texts with longer heartbeats, for `syncsim shrink` (the lock
// manager runs on the same options).
std::vector<std::string> quieter_raft_options(const sim::scenario& input);

}  // namespace protocols::raft
