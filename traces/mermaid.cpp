#include "traces/mermaid.hpp"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "traces/process_order.hpp"
#include "traces/trace_reader.hpp"

namespace traces {
namespace {

// Longer texts are cut: a diagram's column is as wide as its widest text.
constexpr std::size_t message_text_max = 60;
constexpr std::size_t note_text_max = 100;
constexpr std::size_t violation_text_max = 240;

// Faults that cut links rather than stop processes: their note spans every
// lifeline.
bool cuts_links(const std::string& fault_kind) {
  return fault_kind == "partition" || fault_kind == "partition_one_way" || fault_kind == "isolate" ||
         fault_kind == "heal";
}

// Simulated time in milliseconds with three decimals: "12.345ms".
std::string format_milliseconds(sim::time_ns time) {
  const sim::time_ns microseconds = time / 1000;
  std::string fraction = std::to_string(microseconds % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return std::to_string(microseconds / 1000) + "." + fraction + "ms";
}

// Text Mermaid shows as written: ';' separates statements, '#' starts an
// entity code and a line break ends the text, so none of them may stay.
std::string diagram_text(const std::string& text, std::size_t length_max) {
  std::string result;
  result.reserve(text.size());
  for (const char c : text) {
    if (c == ';') {
      result += ',';
    } else if (c == '#') {
      result += "no.";
    } else if (static_cast<unsigned char>(c) <= 0x20) {
      // Runs of blanks (an operation without a key) read as one.
      if (!result.empty() && result.back() != ' ') result += ' ';
    } else {
      result += c;
    }
  }
  while (!result.empty() && result.back() == ' ') result.pop_back();
  if (result.size() <= length_max) return result;
  std::size_t cut = length_max - 3;
  // Never cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(result[cut]) & 0xC0) == 0x80) cut--;
  return result.substr(0, cut) + "...";
}

// A Mermaid identifier for a process name: letters, digits and '_'.
std::string identifier(const std::string& name) {
  std::string result = name;
  for (char& c : result) {
    const bool keeps = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!keeps) c = '_';
  }
  if (result.empty() || (result[0] >= '0' && result[0] <= '9')) result.insert(0, "p");
  return result;
}

struct participant {
  std::size_t process_index = 0;
  std::uint32_t instance = 0;
  std::string id;
  std::string label;
};

// One statement of the diagram. An arrow goes from `over.front()` to
// `over.back()`; a note spans the lifelines it names, or all when none.
struct statement {
  const char* arrow = nullptr;  // "->>", "-x", or nullptr for a note
  std::vector<std::string> over;
  std::string text;
};

class sequence_diagram {
 public:
  explicit sequence_diagram(const mermaid_options& options) : options_(options) {}

  void add(const trace_event& event);
  void add_violation(const trace_violation& violation);
  // The lines text() would have.
  std::uint64_t line_count() const { return 1 + participants_.size() + statements_total_; }
  std::string text() const;

 private:
  void add_arrow(const trace_event& event, const char* arrow, const std::string& text);
  void add_note(std::vector<std::string> over, sim::time_ns time, const std::string& text, std::size_t length_max);
  void add_fault(const trace_event& event);
  void push(statement item);
  void declare(const std::string& address);
  std::string note_span(const std::vector<std::string>& over) const;

  mermaid_options options_;
  process_order processes_;
  std::map<std::string, participant> participants_;  // by address
  std::vector<statement> statements_;                // kept up to the line limit
  std::uint64_t statements_total_ = 0;
};

void sequence_diagram::declare(const std::string& address) {
  if (participants_.contains(address)) return;
  const trace_address parsed = parse_address(address);
  participant item;
  item.process_index = processes_.index_of(parsed.process);
  item.instance = parsed.instance;
  item.id = identifier(parsed.process);
  item.label = diagram_text(parsed.process, message_text_max);
  if (parsed.instance != 0) {
    item.id += "_" + std::to_string(parsed.instance);
    item.label += "." + std::to_string(parsed.instance);
  }
  participants_.emplace(address, std::move(item));
}

void sequence_diagram::push(statement item) {
  statements_total_++;
  // Past the limit the diagram is refused, so only the count matters.
  if (line_count() <= options_.lines_max) statements_.push_back(std::move(item));
}

void sequence_diagram::add_arrow(const trace_event& event, const char* arrow, const std::string& text) {
  declare(event.from);
  declare(event.to);
  push({arrow, {event.from, event.to}, format_milliseconds(event.time) + " " + text});
}

void sequence_diagram::add_note(std::vector<std::string> over, sim::time_ns time, const std::string& text,
                                std::size_t length_max) {
  for (const std::string& address : over) declare(address);
  push({nullptr, std::move(over), format_milliseconds(time) + " " + diagram_text(text, length_max)});
}

void sequence_diagram::add_fault(const trace_event& event) {
  const fault_description fault = parse_fault_text(event.what);
  std::vector<std::string> over;
  if (!cuts_links(fault.kind)) {
    for (const std::string& target : fault.targets) {
      if (participants_.contains(target)) over.push_back(target);
    }
  }
  add_note(std::move(over), event.time, event.what, note_text_max);
}

void sequence_diagram::add(const trace_event& event) {
  switch (event.kind) {
    case sim::record_kind::start:
      declare(event.process);
      if (event.incarnation > 0) {
        add_note({event.process}, event.time, "restart, incarnation " + std::to_string(event.incarnation),
                 note_text_max);
      }
      break;
    case sim::record_kind::deliver: add_arrow(event, "->>", diagram_text(event.message, message_text_max)); break;
    case sim::record_kind::drop: {
      const std::string why = event.reason == "lost" ? "(lost)" : "(lost: " + event.reason + ")";
      add_arrow(event, "-x", diagram_text(event.message, message_text_max) + " " + diagram_text(why, note_text_max));
      break;
    }
    case sim::record_kind::corrupt: add_arrow(event, "-x", "corrupted"); break;
    case sim::record_kind::timer:
      if (options_.timers)
        add_note({event.process}, event.time, "timer " + std::to_string(event.timer_id), note_text_max);
      break;
    case sim::record_kind::history:
      add_note({event.process}, event.time, event.history + " " + event.operation, note_text_max);
      break;
    case sim::record_kind::fault: add_fault(event); break;
    case sim::record_kind::phase: add_note({}, event.time, event.what, note_text_max); break;
  }
}

void sequence_diagram::add_violation(const trace_violation& violation) {
  add_note({}, violation.time,
           "violation of " + violation.checker + " at event " + std::to_string(violation.event_index) + ": " +
               violation.message,
           violation_text_max);
}

// "FIRST,LAST" over the lifelines a note spans, in their order, or "ONE".
std::string sequence_diagram::note_span(const std::vector<std::string>& over) const {
  auto order = [this](const std::string& address) {
    const participant& item = participants_.at(address);
    return std::make_tuple(item.process_index, item.instance);
  };
  std::vector<std::string> addresses = over;
  if (addresses.empty()) {
    for (const auto& [address, item] : participants_) addresses.push_back(address);
  }
  if (addresses.empty()) return "";
  const auto [first, last] = std::minmax_element(addresses.begin(), addresses.end(),
                                                 [&](const auto& a, const auto& b) { return order(a) < order(b); });
  const std::string& first_id = participants_.at(*first).id;
  const std::string& last_id = participants_.at(*last).id;
  return first_id == last_id ? first_id : first_id + "," + last_id;
}

std::string sequence_diagram::text() const {
  std::vector<const participant*> lifelines;
  for (const auto& [address, item] : participants_) lifelines.push_back(&item);
  std::sort(lifelines.begin(), lifelines.end(), [](const participant* a, const participant* b) {
    return std::tie(a->process_index, a->instance) < std::tie(b->process_index, b->instance);
  });
  std::string result = "sequenceDiagram\n";
  for (const participant* item : lifelines) result += "    participant " + item->id + " as " + item->label + "\n";
  for (const statement& item : statements_) {
    if (item.arrow != nullptr) {
      result += "    " + participants_.at(item.over.front()).id + item.arrow + participants_.at(item.over.back()).id +
                ": " + item.text + "\n";
    } else {
      result += "    Note over " + note_span(item.over) + ": " + item.text + "\n";
    }
  }
  return result;
}

}  // namespace

std::string render_mermaid(const std::string& path, const mermaid_options& options) {
  trace_reader reader(path);
  sequence_diagram diagram(options);
  trace_event event;
  while (reader.next(event)) diagram.add(event);
  if (reader.footer().violation) diagram.add_violation(*reader.footer().violation);
  if (diagram.line_count() > options.lines_max) {
    throw diagram_too_long(path + ": the sequence diagram would have " + std::to_string(diagram.line_count()) +
                           " lines, more than the limit of " + std::to_string(options.lines_max) +
                           " (--max-lines): shrink the run first (syncsim shrink)");
  }
  return diagram.text();
}

}  // namespace traces
