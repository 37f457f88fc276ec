#include "traces/perfetto.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>
#include <vector>

#include "traces/process_order.hpp"
#include "traces/trace_reader.hpp"

namespace traces {
namespace {

using json = nlohmann::ordered_json;

// Handling a message or a timer takes no simulated time, but a slice of no
// width can neither be seen nor hold the end of a flow arrow: each is drawn
// this long, or up to the next slice of its thread when that starts sooner.
constexpr sim::time_ns handling_slice_ns = 10 * sim::microsecond;

double microseconds(sim::time_ns time) { return static_cast<double>(time) / static_cast<double>(sim::microsecond); }

// A Perfetto thread: a process (pid) and one of its lanes (tid).
struct thread_id {
  std::uint64_t pid = 0;
  std::uint64_t tid = 0;
  friend auto operator<=>(const thread_id&, const thread_id&) = default;
};

// A slice whose duration is decided once its thread's next slice is known.
struct handling_slice {
  sim::time_ns start = 0;
  json event;
};

struct open_operation {
  sim::time_ns start = 0;
  std::string name;
  std::size_t lane = 0;
};

struct down_interval {
  sim::time_ns start = 0;
  std::string name;  // "crashed" or "lost"
};

class timeline {
 public:
  void add(const trace_event& event);
  void add_violation(const trace_violation& violation);
  // The whole JSON document; open operations and intervals end at `end`.
  std::string finish(sim::time_ns end, const trace_header_line& header);

 private:
  thread_id lane(const std::string& process, const std::string& lane_name);
  thread_id instance_thread(const std::string& address);
  void add_handling(thread_id thread, sim::time_ns time, const std::string& name, const char* category, json args);
  void add_start(const trace_event& event);
  void add_delivery(const trace_event& event);
  void add_lost(const trace_event& event);
  void add_history(const trace_event& event);
  void add_fault(const trace_event& event);
  void end_operation(const std::string& client, sim::time_ns end, const std::string& outcome,
                     const std::string& result);
  void end_down_interval(const std::string& process, sim::time_ns end);
  void emit(const json& event) { events_.push_back(event.dump()); }
  void emit_instant(thread_id thread, sim::time_ns time, const std::string& name, const char* category, json args);
  void emit_global_instant(sim::time_ns time, const std::string& name, const char* category, json args);
  std::vector<std::string> metadata() const;
  std::vector<std::string> handling_slices() const;

  process_order processes_;
  std::set<std::string> started_;
  std::map<std::pair<std::uint64_t, std::string>, std::uint64_t> lanes_;  // (pid, lane name) to tid
  std::map<thread_id, std::vector<handling_slice>> handling_;
  std::map<thread_id, std::set<sim::time_ns>> handled_at_;
  std::map<std::string, std::deque<open_operation>> operations_;   // by client
  std::map<std::string, std::vector<bool>> operation_lanes_busy_;  // by client
  std::map<std::string, down_interval> down_;                      // by process
  std::vector<std::string> events_;                                // dumped
  std::uint64_t flows_ = 0;
};

// Thread ids are unique across processes, as an operating system's are:
// Perfetto looks some threads up by tid alone.
thread_id timeline::lane(const std::string& process, const std::string& lane_name) {
  const std::uint64_t pid = processes_.index_of(process) + 1;
  const std::uint64_t tid = lanes_.try_emplace({pid, lane_name}, lanes_.size() + 1).first->second;
  return {pid, tid};
}

thread_id timeline::instance_thread(const std::string& address) {
  return lane(parse_address(address).process, address);
}

void timeline::add_handling(thread_id thread, sim::time_ns time, const std::string& name, const char* category,
                            json args) {
  json event = {{"ph", "X"},         {"name", name},      {"cat", category},
                {"pid", thread.pid}, {"tid", thread.tid}, {"ts", microseconds(time)}};
  if (!args.empty()) event["args"] = std::move(args);
  handling_[thread].push_back({time, std::move(event)});
  handled_at_[thread].insert(time);
}

void timeline::emit_instant(thread_id thread, sim::time_ns time, const std::string& name, const char* category,
                            json args) {
  emit({{"ph", "i"},
        {"s", "t"},
        {"name", name},
        {"cat", category},
        {"pid", thread.pid},
        {"tid", thread.tid},
        {"ts", microseconds(time)},
        {"args", std::move(args)}});
}

void timeline::emit_global_instant(sim::time_ns time, const std::string& name, const char* category, json args) {
  emit({{"ph", "i"},
        {"s", "g"},
        {"name", name},
        {"cat", category},
        {"ts", microseconds(time)},
        {"args", std::move(args)}});
}

void timeline::add_start(const trace_event& event) {
  started_.insert(event.process);
  end_down_interval(event.process, event.time);
  const std::string name =
      event.incarnation == 0 ? "start" : "restart, incarnation " + std::to_string(event.incarnation);
  add_handling(instance_thread(event.process), event.time, name, "start", {{"incarnation", event.incarnation}});
}

json message_arguments(const trace_event& event) {
  return {{"from", event.from},
          {"to", event.to},
          {"channel", event.channel},
          {"id", event.message_id},
          {"sent_us", microseconds(event.sent_at)}};
}

// A slice on the receiver and a flow arrow from the sender's slice at the
// send: the slice that sent it, or a "send" slice when the message left
// later than that (it waited for an fsync).
void timeline::add_delivery(const trace_event& event) {
  const thread_id sender = instance_thread(event.from);
  const thread_id receiver = instance_thread(event.to);
  if (!handled_at_[sender].contains(event.sent_at)) add_handling(sender, event.sent_at, "send", "send", {});
  add_handling(receiver, event.time, event.message, "deliver", message_arguments(event));
  // A duplicated message is delivered twice: each delivery its own arrow.
  const std::uint64_t flow = ++flows_;
  emit({{"ph", "s"},
        {"id", flow},
        {"name", "message"},
        {"cat", "message"},
        {"pid", sender.pid},
        {"tid", sender.tid},
        {"ts", microseconds(event.sent_at)}});
  emit({{"ph", "f"},
        {"bp", "e"},
        {"id", flow},
        {"name", "message"},
        {"cat", "message"},
        {"pid", receiver.pid},
        {"tid", receiver.tid},
        {"ts", microseconds(event.time)}});
}

// A message lost as it left is marked on its sender; one lost or corrupted
// on arrival, on its receiver.
void timeline::add_lost(const trace_event& event) {
  json args = message_arguments(event);
  if (event.kind == sim::record_kind::corrupt) {
    emit_instant(instance_thread(event.to), event.time, "corrupted message", "corrupt", std::move(args));
    return;
  }
  args["reason"] = event.reason;
  const std::string& where = event.time == event.sent_at ? event.from : event.to;
  emit_instant(instance_thread(where), event.time, "lost: " + event.message, "drop", std::move(args));
}

// Client operations are slices on lanes of their own: a client's operations
// never overlap in practice, but a lane per open operation keeps slices
// properly nested if they ever do.
void timeline::add_history(const trace_event& event) {
  if (event.history != "invoke") {
    end_operation(event.process, event.time, event.history, event.operation);
    return;
  }
  std::vector<bool>& busy = operation_lanes_busy_[event.process];
  const std::size_t free_lane = static_cast<std::size_t>(std::find(busy.begin(), busy.end(), false) - busy.begin());
  if (free_lane == busy.size()) busy.push_back(false);
  busy[free_lane] = true;
  operations_[event.process].push_back({event.time, event.operation, free_lane});
}

void timeline::end_operation(const std::string& client, sim::time_ns end, const std::string& outcome,
                             const std::string& result) {
  std::deque<open_operation>& open = operations_[client];
  if (open.empty()) return;  // a completion without its invoke: nothing to draw
  const open_operation operation = open.front();
  open.pop_front();
  operation_lanes_busy_[client][operation.lane] = false;
  const std::string lane_name = operation.lane == 0 ? "operations" : "operations " + std::to_string(operation.lane + 1);
  const thread_id thread = lane(client, lane_name);
  emit({{"ph", "X"},
        {"name", operation.name},
        {"cat", "operation"},
        {"pid", thread.pid},
        {"tid", thread.tid},
        {"ts", microseconds(operation.start)},
        {"dur", microseconds(end - operation.start)},
        {"args", {{"outcome", outcome}, {"result", result}}}});
}

void timeline::add_fault(const trace_event& event) {
  emit_global_instant(event.time, event.what, "fault", json::object());
  const fault_description fault = parse_fault_text(event.what);
  if (fault.revert || (fault.kind != "crash" && fault.kind != "lose")) return;
  for (const std::string& target : fault.targets) {
    if (started_.contains(target) && !down_.contains(target)) {
      down_[target] = {event.time, fault.kind == "lose" ? "lost" : "crashed"};
    }
  }
}

void timeline::end_down_interval(const std::string& process, sim::time_ns end) {
  const auto found = down_.find(process);
  if (found == down_.end()) return;
  const thread_id thread = lane(process, "down");
  emit({{"ph", "X"},
        {"name", found->second.name},
        {"cat", "down"},
        {"pid", thread.pid},
        {"tid", thread.tid},
        {"ts", microseconds(found->second.start)},
        {"dur", microseconds(end - found->second.start)}});
  down_.erase(found);
}

void timeline::add(const trace_event& event) {
  switch (event.kind) {
    case sim::record_kind::start: add_start(event); break;
    case sim::record_kind::deliver: add_delivery(event); break;
    case sim::record_kind::drop:
    case sim::record_kind::corrupt: add_lost(event); break;
    case sim::record_kind::timer:
      add_handling(instance_thread(event.process), event.time, "timer " + std::to_string(event.timer_id), "timer",
                   {{"timer", event.timer_id}});
      break;
    case sim::record_kind::history: add_history(event); break;
    case sim::record_kind::fault: add_fault(event); break;
    case sim::record_kind::phase: emit_global_instant(event.time, event.what, "phase", json::object()); break;
  }
}

void timeline::add_violation(const trace_violation& violation) {
  emit_global_instant(
      violation.time, "violation: " + violation.checker, "violation",
      {{"checker", violation.checker}, {"message", violation.message}, {"event", violation.event_index}});
}

std::vector<std::string> timeline::metadata() const {
  std::vector<std::string> result;
  for (std::size_t index = 0; index < processes_.names().size(); ++index) {
    const std::uint64_t pid = index + 1;
    result.push_back(
        json({{"ph", "M"}, {"name", "process_name"}, {"pid", pid}, {"args", {{"name", processes_.names()[index]}}}})
            .dump());
    result.push_back(
        json({{"ph", "M"}, {"name", "process_sort_index"}, {"pid", pid}, {"args", {{"sort_index", pid}}}}).dump());
  }
  for (const auto& [key, tid] : lanes_) {
    result.push_back(
        json({{"ph", "M"}, {"name", "thread_name"}, {"pid", key.first}, {"tid", tid}, {"args", {{"name", key.second}}}})
            .dump());
  }
  return result;
}

// Each thread's slices in time order, slices that start together nested
// with one end, none reaching past the start of the next.
std::vector<std::string> timeline::handling_slices() const {
  std::vector<std::string> result;
  for (const auto& [thread, slices] : handling_) {
    std::vector<const handling_slice*> ordered;
    for (const handling_slice& item : slices) ordered.push_back(&item);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const handling_slice* a, const handling_slice* b) { return a->start < b->start; });
    for (std::size_t group = 0; group < ordered.size();) {
      std::size_t next = group;
      while (next < ordered.size() && ordered[next]->start == ordered[group]->start) next++;
      sim::time_ns duration = handling_slice_ns;
      if (next < ordered.size()) duration = std::min(duration, ordered[next]->start - ordered[group]->start);
      for (std::size_t i = group; i < next; ++i) {
        json event = ordered[i]->event;
        event["dur"] = microseconds(duration);
        result.push_back(event.dump());
      }
      group = next;
    }
  }
  return result;
}

std::string timeline::finish(sim::time_ns end, const trace_header_line& header) {
  for (auto& [client, open] : operations_) {
    while (!open.empty()) end_operation(client, end, "open", "no completion before the end of the trace");
  }
  while (!down_.empty()) end_down_interval(down_.begin()->first, end);
  // Slices come before the flow events that bind to them: at equal
  // timestamps Perfetto takes events in the order of the file.
  std::vector<std::string> all = metadata();
  for (std::string& item : handling_slices()) all.push_back(std::move(item));
  for (std::string& item : events_) all.push_back(std::move(item));
  std::string result = "{\"traceEvents\":[\n";
  for (std::size_t i = 0; i < all.size(); ++i) result += all[i] + (i + 1 < all.size() ? ",\n" : "\n");
  const json other = {{"scenario", header.scenario_name}, {"seed", header.seed}, {"revision", header.revision}};
  result += "],\"displayTimeUnit\":\"ms\",\"otherData\":" + other.dump() + "}\n";
  return result;
}

}  // namespace

std::string render_perfetto(const std::string& path) {
  trace_reader reader(path);
  timeline events;
  trace_event event;
  sim::time_ns last = 0;
  while (reader.next(event)) {
    events.add(event);
    last = event.time;
  }
  if (reader.footer().violation) events.add_violation(*reader.footer().violation);
  return events.finish(std::max(last, reader.footer().simulated_ns), reader.header());
}

}  // namespace traces
