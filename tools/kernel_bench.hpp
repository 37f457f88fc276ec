#pragma once
// The kernel's speed on a synthetic load: 50 servers of the bench protocol
// keep 10,000 events pending (5,000 messages in flight between random
// servers, 5,000 timers), on 1ms+jitter links, with every record hashed into
// the stream hash as in a real run.

#include <cstdint>

namespace tools {

struct kernel_bench_result {
  std::uint64_t events = 0;
  double seconds = 0;
  double events_per_second = 0;
  std::uint64_t pending_events = 0;
  std::uint64_t trace_hash = 0;
};

kernel_bench_result run_kernel_bench(std::uint64_t events);

struct raft_bench_result {
  std::uint64_t events = 0;
  double seconds = 0;
  double events_per_second = 0;
  double simulated_seconds_per_wall_second = 0;
};

// Raft on 5 servers under a steady load from 4 clients, no faults, every
// Raft checker on (invariants after every event).
raft_bench_result run_raft_bench(std::uint64_t events);

}  // namespace tools
