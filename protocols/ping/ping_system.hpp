#pragma once
// The example protocol as a family the registry knows.

#include "sim/system.hpp"

namespace protocols::ping {

const sim::system_definition& ping_definition();

}  // namespace protocols::ping
