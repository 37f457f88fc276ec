#pragma once
// Raft's checkers (INVARIANTS.md, Raft): the safety properties of the paper's
// Figure 3 checked incrementally after every event, white-box checks of term
// and vote across restarts, linearizability of the client history, and
// progress after the heal.

#include <memory>
#include <vector>

#include "sim/checker.hpp"
#include "sim/system.hpp"

namespace protocols::raft {

std::vector<sim::checker_description> raft_checker_descriptions();
// The consensus checkers alone (election safety, term and vote, log safety),
// for systems that replicate another state machine through Raft.
std::vector<sim::checker_description> consensus_checker_descriptions();
std::vector<std::unique_ptr<sim::checker>> make_consensus_checkers(const sim::cluster_shape& shape, std::uint16_t groups);
// `stable_leader_ns`: how long raft.progress wants one leader to hold its term.
std::vector<std::unique_ptr<sim::checker>> make_raft_checkers(const sim::cluster_shape& shape, std::uint16_t groups,
                                                             sim::time_ns stable_leader_ns);

}  // namespace protocols::raft
