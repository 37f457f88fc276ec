#pragma once
// The lock manager on Raft, as a family the registry knows.

#include "sim/system.hpp"

namespace protocols::lock {

const sim::system_definition& lock_definition();

}  // namespace protocols::lock
