#pragma once
// The synthetic load as a family the registry knows (`syncsim bench` uses it).

#include "sim/system.hpp"

namespace protocols::bench {

const sim::system_definition& bench_definition();

}  // namespace protocols::bench
