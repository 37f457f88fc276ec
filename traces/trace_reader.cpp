#include "traces/trace_reader.hpp"

#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>

#include "traces/trace_format.hpp"

namespace traces {
namespace {

std::string location(const std::string& path, std::uint64_t line) { return path + ":" + std::to_string(line); }

nlohmann::json parse_line(const std::string& path, std::uint64_t number, const std::string& text) {
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    throw trace_error(location(path, number) + ": malformed JSON: " + error.what());
  }
  if (!value.is_object() || !value.contains("type") || !value["type"].is_string()) {
    throw trace_error(location(path, number) + ": not a trace line (an object with a \"type\")");
  }
  return value;
}

// The fields of one line, each read with a message naming the file, the
// line and the field when it is missing or of the wrong type.
class line_fields {
 public:
  line_fields(const nlohmann::json& value, const std::string& path, std::uint64_t line, std::string what)
      : value_(value), path_(path), line_(line), what_(std::move(what)) {}

  std::string text(const char* name) const {
    const nlohmann::json& field = find(name);
    if (!field.is_string()) fail(name, "a string");
    return field.get<std::string>();
  }
  std::uint64_t number(const char* name) const {
    const nlohmann::json& field = find(name);
    if (!field.is_number_unsigned()) fail(name, "a non-negative integer");
    return field.get<std::uint64_t>();
  }
  sim::time_ns time(const char* name) const {
    const std::uint64_t value = number(name);
    if (value >= static_cast<std::uint64_t>(sim::time_never)) fail(name, "a time in nanoseconds");
    return static_cast<sim::time_ns>(value);
  }
  const nlohmann::json& find(const char* name) const {
    const auto found = value_.find(name);
    if (found == value_.end()) {
      throw trace_error(location(path_, line_) + ": the " + what_ + " has no \"" + name + "\"");
    }
    return *found;
  }

 private:
  [[noreturn]] void fail(const char* name, const char* expected) const {
    throw trace_error(location(path_, line_) + ": the " + what_ + "'s \"" + name + "\" is not " + expected);
  }

  const nlohmann::json& value_;
  const std::string& path_;
  std::uint64_t line_;
  std::string what_;
};

std::optional<sim::record_kind> parse_record_kind(const std::string& name) {
  for (auto kind = static_cast<std::uint8_t>(sim::record_kind::start);
       kind <= static_cast<std::uint8_t>(sim::record_kind::phase); ++kind) {
    if (name == sim::record_kind_name(static_cast<sim::record_kind>(kind))) return static_cast<sim::record_kind>(kind);
  }
  return std::nullopt;
}

void read_message_fields(const line_fields& fields, trace_event& event) {
  event.from = fields.text("from");
  event.to = fields.text("to");
  event.channel = fields.text("channel");
  event.message_id = fields.number("id");
  event.sent_at = fields.time("sent");
}

void read_kind_fields(const line_fields& fields, trace_event& event) {
  switch (event.kind) {
    case sim::record_kind::start:
      event.process = fields.text("process");
      event.incarnation = fields.number("incarnation");
      break;
    case sim::record_kind::deliver:
      read_message_fields(fields, event);
      event.message = fields.text("message");
      break;
    case sim::record_kind::drop:
      read_message_fields(fields, event);
      event.reason = fields.text("reason");
      event.message = fields.text("message");
      break;
    case sim::record_kind::corrupt: read_message_fields(fields, event); break;
    case sim::record_kind::timer:
      event.process = fields.text("process");
      event.timer_id = fields.number("timer");
      break;
    case sim::record_kind::history:
      event.process = fields.text("process");
      event.history = fields.text("history");
      event.operation = fields.text("operation");
      break;
    case sim::record_kind::fault:
    case sim::record_kind::phase: event.what = fields.text("what"); break;
  }
}

trace_event read_event(const nlohmann::json& value, const std::string& path, std::uint64_t line) {
  const line_fields fields(value, path, line, "event");
  trace_event event;
  event.line = line;
  event.index = fields.number("i");
  event.time = fields.time("t");
  const std::string kind = fields.text("kind");
  const std::optional<sim::record_kind> parsed = parse_record_kind(kind);
  if (!parsed) throw trace_error(location(path, line) + ": unknown event kind \"" + kind + "\"");
  event.kind = *parsed;
  read_kind_fields(line_fields(value, path, line, kind + " event"), event);
  return event;
}

trace_footer read_footer(const nlohmann::json& value, const std::string& path, std::uint64_t line) {
  const line_fields fields(value, path, line, "footer");
  trace_footer footer;
  footer.line = line;
  footer.result = fields.text("result");
  footer.simulated_ns = fields.time("simulated_ns");
  if (value.contains("violation")) {
    const line_fields violation(fields.find("violation"), path, line, "footer's violation");
    footer.violation = trace_violation{violation.text("checker"), violation.text("message"), violation.number("event"),
                                       violation.time("time_ns")};
  }
  return footer;
}

trace_header_line read_header(const nlohmann::json& header, const std::string& path) {
  if (header["type"] != "header") throw trace_error(path + ":1: the first line is not a trace header");
  if (!header.contains("format") || header["format"] != trace_format_version) {
    throw trace_error(path + ":1: unsupported trace format (this syncsim reads format " +
                      std::to_string(trace_format_version) + ")");
  }
  if (!header.contains("seed") || !header["seed"].is_number_unsigned() || !header.contains("scenario") ||
      !header["scenario"].is_object()) {
    throw trace_error(path + ":1: the header lacks a seed or a scenario");
  }
  trace_header_line result;
  result.seed = header["seed"].get<std::uint64_t>();
  result.revision = header.value("revision", "unknown");
  result.scenario_file = header.value("scenario_file", path);
  const auto name = header["scenario"].find("name");
  if (name != header["scenario"].end() && name->is_string()) result.scenario_name = name->get<std::string>();
  result.scenario_json = header["scenario"].dump();
  return result;
}

}  // namespace

trace_reader::trace_reader(std::string path) : path_(std::move(path)), input_(path_, std::ios::binary) {
  if (!input_) throw trace_error(path_ + ":0: cannot open the trace");
  std::string text;
  if (!std::getline(input_, text)) throw trace_error(path_ + ":1: empty trace");
  line_ = 1;
  try {
    header_ = read_header(parse_line(path_, line_, text), path_);
  } catch (const nlohmann::json::exception& error) {
    throw trace_error(path_ + ":1: malformed header: " + error.what());
  }
}

bool trace_reader::next(trace_event& event) {
  if (finished_) return false;
  std::string text;
  line_++;
  if (!std::getline(input_, text)) {
    throw trace_error(location(path_, line_) + ": the trace is truncated (no footer)");
  }
  const nlohmann::json value = parse_line(path_, line_, text);
  const std::string& type = value["type"].get_ref<const std::string&>();
  if (type == "event") {
    event = read_event(value, path_, line_);
    return true;
  }
  if (type != "footer") {
    throw trace_error(location(path_, line_) + ": expected an event or the footer, found a \"" + type + "\" line");
  }
  footer_ = read_footer(value, path_, line_);
  read_footer_end();
  finished_ = true;
  return false;
}

// A footer ends the trace: anything after it (two traces run together, say)
// would otherwise go unread.
void trace_reader::read_footer_end() {
  std::string text;
  while (std::getline(input_, text)) {
    line_++;
    if (!text.empty()) throw trace_error(location(path_, line_) + ": a line after the footer");
  }
}

void check_trace_line(const std::string& path, std::uint64_t number, const std::string& text) {
  parse_line(path, number, text);
}

trace_address parse_address(const std::string& text) {
  const std::size_t mark = text.rfind('#');
  if (mark == std::string::npos || mark + 1 == text.size()) return {text, 0};
  std::uint32_t instance = 0;
  for (std::size_t i = mark + 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || instance > 100000) return {text, 0};
    instance = instance * 10 + static_cast<std::uint32_t>(text[i] - '0');
  }
  return {text.substr(0, mark), instance};
}

fault_description parse_fault_text(const std::string& what) {
  std::istringstream words(what);
  fault_description result;
  words >> result.kind;
  if (result.kind == "end") {
    result.revert = true;
    words >> result.kind;
  }
  for (std::string word; words >> word;) {
    const bool is_drift = word.size() > 3 && word.ends_with("ppm");
    if (word.starts_with("[") || word == "for" || is_drift) break;
    result.targets.push_back(word);
  }
  return result;
}

}  // namespace traces
