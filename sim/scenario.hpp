#pragma once
// A scenario as the kernel sees it after parsing: cluster, network, disk,
// clock, faults, duration, checkers and protocol options. Every knob that is a
// `range` may be left open (minimum < maximum): each seed then draws its own
// value (swarm testing), see sim/swarm.hpp. Parsing lives in
// scenario_parse.cpp so that nlohmann/json stays out of this header.

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/ratio.hpp"
#include "sim/time.hpp"

namespace sim {

inline constexpr int scenario_format_version = 1;
inline constexpr std::uint32_t max_servers = 64;
inline constexpr std::uint32_t max_clients = 64;

template <class T>
struct range {
  T minimum{};
  T maximum{};
  static range exactly(T value) { return {value, value}; }
  bool fixed() const { return minimum == maximum; }
  friend bool operator==(const range&, const range&) = default;
};

struct delay_spec {
  range<time_ns> floor_ns = range<time_ns>::exactly(millisecond);
  range<time_ns> jitter_ns = range<time_ns>::exactly(millisecond);
  // The long tail: a delivery's jitter window doubles k times with
  // probability 2^-k, k capped at this.
  range<std::uint32_t> tail_doublings_max = range<std::uint32_t>::exactly(4);
  friend bool operator==(const delay_spec&, const delay_spec&) = default;
};

struct link_fault_spec {
  range<ratio> drop = range<ratio>::exactly(ratio::never());
  range<ratio> duplicate = range<ratio>::exactly(ratio::never());
  range<ratio> reorder = range<ratio>::exactly(ratio::never());
  range<ratio> corrupt = range<ratio>::exactly(ratio::never());
  friend bool operator==(const link_fault_spec&, const link_fault_spec&) = default;
};

// Overrides for the links from `from` to `to` ("*" matches every process).
// Fields left empty keep the network-wide value.
struct link_override_spec {
  std::string from = "*";
  std::string to = "*";
  std::optional<range<time_ns>> floor_ns;
  std::optional<range<time_ns>> jitter_ns;
  std::optional<range<std::uint32_t>> tail_doublings_max;
  std::optional<range<ratio>> drop;
  std::optional<range<ratio>> duplicate;
  std::optional<range<ratio>> reorder;
  std::optional<range<ratio>> corrupt;
  bool survives_heal = false;  // the heal before the liveness phase leaves its loss
  std::string pointer;  // where it was written, for error messages
  friend bool operator==(const link_override_spec&, const link_override_spec&) = default;
};

struct network_spec {
  delay_spec delay;
  link_fault_spec faults;
  std::vector<link_override_spec> links;
  friend bool operator==(const network_spec&, const network_spec&) = default;
};

enum class fsync_policy : std::uint8_t { always, everysec, no };

struct disk_spec {
  fsync_policy fsync = fsync_policy::everysec;
  // Each fsync takes a latency drawn uniformly from this range.
  range<time_ns> fsync_delay_ns = {500 * microsecond, millisecond};
  // Under fsync "no", how often the operating system writes dirty data back.
  time_ns flush_interval_ns = 30 * second;
  friend bool operator==(const disk_spec&, const disk_spec&) = default;
};

struct clock_spec {
  // Each server's clock rate error in parts per million, drawn per node.
  range<std::int64_t> drift_ppm = range<std::int64_t>::exactly(0);
  friend bool operator==(const clock_spec&, const clock_spec&) = default;
};

struct cluster_spec {
  range<std::uint32_t> servers = range<std::uint32_t>::exactly(3);
  range<std::uint32_t> clients = range<std::uint32_t>::exactly(1);
  friend bool operator==(const cluster_spec&, const cluster_spec&) = default;
};

enum class fault_kind : std::uint8_t {
  crash,              // volatile state and unsynced writes lost; restarts after `duration`
  restart,            // a crashed server starts again from its disk
  pause,              // the process stops handling events; resumes after `duration`
  resume,             // a paused process continues
  lose,               // permanent loss: crashed and disk wiped, never restarts
  partition,          // cut every link between processes of different groups
  partition_one_way,  // cut links from groups[0] to groups[1] only
  isolate,            // cut every link to and from each target
  heal,               // remove every partition
  drift,              // set each target's clock drift to drift_ppm
};
inline constexpr std::size_t fault_kind_count = 10;
static_assert(static_cast<std::size_t>(fault_kind::drift) + 1 == fault_kind_count);

// A target names a process ("n0", "c2") or is resolved when the fault fires:
// "@random" (a server drawn from the fault stream) or "@ROLE" (the first
// server whose protocol reports that role, e.g. "@leader").
struct fault_spec {
  time_ns at_ns = 0;
  fault_kind kind = fault_kind::heal;
  std::vector<std::string> targets;
  std::vector<std::vector<std::string>> groups;
  std::optional<time_ns> duration_ns;  // crash, pause, partitions: revert after
  std::int64_t drift_ppm = 0;
  std::string pointer;
  friend bool operator==(const fault_spec&, const fault_spec&) = default;
};

// A fault fired by what happens in the run rather than at a time: when a
// server starts to play a role ("leader"), or when a message whose
// description starts with `match` is delivered. The fault follows after a
// delay drawn from `after_ns`, with `probability`, at most `times_max`
// times, and only in the safety phase. Its targets and groups may name
// "@subject": the server that took the role or received the message.
// Reaching an interleaving by waiting for the event that opens it is what
// makes rare schedules (Raft's Figure 8, a crash inside a snapshot
// install) common enough to test.
enum class trigger_event : std::uint8_t { role, delivery };

struct trigger_spec {
  trigger_event event = trigger_event::role;
  std::string match;
  range<time_ns> after_ns = range<time_ns>::exactly(0);
  ratio probability = {1, 1};
  std::uint32_t times_max = 1'000'000;
  fault_spec fault;  // at_ns unused
  std::optional<range<time_ns>> duration_ns;  // drawn at each firing
  std::string pointer;
  friend bool operator==(const trigger_spec&, const trigger_spec&) = default;
};

// Each seed draws its mean time between faults from interval_ns and keeps
// each kind with probability 1/2 (at least one); each gap is then drawn
// within half the mean on either side.
struct swarm_spec {
  bool enabled = false;
  range<time_ns> interval_ns = {500 * millisecond, 3 * second};
  range<time_ns> duration_ns = {100 * millisecond, 2 * second};
  std::vector<fault_kind> kinds;
  // At most this many servers crashed, paused or lost at once.
  std::uint32_t max_faulty = 1;
  range<std::int64_t> drift_ppm = {-500, 500};
  friend bool operator==(const swarm_spec&, const swarm_spec&) = default;
};

struct checker_spec {
  std::uint64_t every_events = 1;  // invariants run after every Nth event
  std::optional<std::vector<std::string>> only;  // default: every checker of the protocol
  time_ns liveness_bound_ns = 10 * second;
  friend bool operator==(const checker_spec&, const checker_spec&) = default;
};

struct scenario {
  int version = scenario_format_version;
  std::string name;
  std::string description;
  std::string protocol = "ping";
  std::string protocol_options_json = "{}";  // canonical JSON text, parsed by the protocol
  std::string workload_json = "{}";          // canonical JSON text, parsed by the protocol
  cluster_spec cluster;
  network_spec network;
  disk_spec disk;
  clock_spec clock;
  std::vector<fault_spec> schedule;
  std::vector<trigger_spec> triggers;
  swarm_spec swarm;
  time_ns duration_ns = 10 * second;  // the safety phase; then heal and liveness
  checker_spec checkers;
  std::vector<std::string> bugs;
  // The seed `syncsim run` uses when none is given: a shrunk failure names
  // its own, so the file alone reproduces it.
  std::optional<std::uint64_t> seed;

  std::string source_file;  // "<default>" for the built-in scenario
  friend bool operator==(const scenario&, const scenario&) = default;
};

// A scenario that cannot be used. what() is "FILE: /json/pointer: message", or
// "FILE:LINE:COLUMN: message" for JSON syntax errors.
class scenario_error : public std::runtime_error {
 public:
  scenario_error(const std::string& file, const std::string& location, const std::string& message);
  const std::string& file() const { return file_; }
  const std::string& location() const { return location_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  std::string location_;
  std::string message_;
};

// Parses scenario JSON text; `file` names it in errors. Checks types, ranges,
// unknown keys and the semantic rules that need no protocol (targets that
// exist, minimum <= maximum, faults inside the run). Throws scenario_error.
scenario parse_scenario(const std::string& text, const std::string& file);
scenario load_scenario_file(const std::string& path);
// The scenario as canonical JSON (sorted keys, two-space indent): what the
// trace header stores and `run --print-default` prints. Parsing it back
// gives an equal scenario.
std::string scenario_to_json(const scenario& value);

const char* fault_kind_name(fault_kind kind);
const char* fsync_policy_name(fsync_policy policy);
std::optional<fault_kind> parse_fault_kind(const std::string& name);

// Process names: servers "n0".."n{N-1}", clients "c0".."c{C-1}".
std::string server_name(std::uint32_t index);
std::string client_name(std::uint32_t index);

}  // namespace sim
