#pragma once
// The swarm's default knobs with every fault kind it can generate enabled.

#include "sim/scenario.hpp"

namespace sim {

inline swarm_spec default_swarm_spec() {
  swarm_spec swarm;
  swarm.kinds = {fault_kind::crash, fault_kind::pause,   fault_kind::lose,
                 fault_kind::partition, fault_kind::partition_one_way, fault_kind::isolate,
                 fault_kind::drift};
  return swarm;
}

}  // namespace sim
