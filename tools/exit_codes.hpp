#pragma once
// The documented, stable exit codes of the syncsim command.

namespace tools {

inline constexpr int exit_pass = 0;            // everything passed
inline constexpr int exit_violation = 1;       // a checker found a violation
inline constexpr int exit_usage = 2;           // usage error or invalid input
inline constexpr int exit_replay_diverged = 3; // replay differs from the trace
inline constexpr int exit_internal = 70;       // a bug in syncsim itself (EX_SOFTWARE)

inline constexpr const char* exit_codes_help =
    "Exit codes:\n"
    "  0   pass\n"
    "  1   a checker found a violation\n"
    "  2   usage error or invalid input (scenario, trace, flag)\n"
    "  3   replay diverged from the trace\n"
    "  70  internal error";

}  // namespace tools
