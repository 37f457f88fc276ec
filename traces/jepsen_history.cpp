#include "traces/jepsen_history.hpp"

#include <fstream>
#include <map>
#include <optional>
#include <sstream>

namespace traces {
namespace {

using sim::linearizability::operation;

struct event_line {
  std::uint64_t process = 0;
  std::string type;      // invoke, ok, fail, info
  std::string function;  // read, write, cas, get, put, append
  std::string key;
  std::string value;     // as written: nil, 4, [1 2], "text"
};

[[noreturn]] void fail_at(const std::string& path, std::size_t line, const std::string& message) {
  throw history_error(path + ":" + std::to_string(line) + ": " + message);
}

std::uint64_t parse_process(const std::string& text, const std::string& path, std::size_t line) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos || text.size() > 18) {
    fail_at(path, line, "expected a process number, found \"" + text + "\"");
  }
  return std::stoull(text);
}

// "INFO  jepsen.util - 3 :invoke :write 4" (tabs or spaces between fields).
event_line parse_log_line(const std::string& text, const std::string& path, std::size_t line) {
  const std::size_t marker = text.find(" - ");
  if (marker == std::string::npos) fail_at(path, line, "expected \"jepsen.util - PROCESS :TYPE :F VALUE\"");
  std::istringstream fields(text.substr(marker + 3));
  event_line result;
  std::string process;
  fields >> process >> result.type >> result.function;
  std::getline(fields, result.value);
  result.value.erase(0, result.value.find_first_not_of(" \t"));
  result.value.erase(result.value.find_last_not_of(" \t\r") + 1);
  if (result.type.size() < 2 || result.type[0] != ':' || result.function.size() < 2 || result.function[0] != ':') {
    fail_at(path, line, "expected \":TYPE :F\" after the process");
  }
  result.process = parse_process(process, path, line);
  result.type.erase(0, 1);
  result.function.erase(0, 1);
  return result;
}

// The text after ":name " up to the next ", " or "}" (a quoted string is
// taken whole, without its quotes).
std::optional<std::string> edn_field(const std::string& text, const std::string& name) {
  const std::size_t start = text.find(":" + name + " ");
  if (start == std::string::npos) return std::nullopt;
  std::size_t position = start + name.size() + 2;
  if (position < text.size() && text[position] == '"') {
    const std::size_t end = text.find('"', position + 1);
    if (end == std::string::npos) return std::nullopt;
    return "\"" + text.substr(position + 1, end - position - 1) + "\"";
  }
  const std::size_t end = text.find_first_of(",}", position);
  return text.substr(position, end == std::string::npos ? std::string::npos : end - position);
}

event_line parse_edn_line(const std::string& text, const std::string& path, std::size_t line) {
  event_line result;
  const auto process = edn_field(text, "process");
  const auto type = edn_field(text, "type");
  const auto function = edn_field(text, "f");
  if (!process || !type || !function || type->size() < 2 || function->size() < 2) {
    fail_at(path, line, "expected a map with :process, :type and :f");
  }
  result.process = parse_process(*process, path, line);
  result.type = type->substr(1);
  result.function = function->substr(1);
  result.key = edn_field(text, "key").value_or("");
  if (result.key.size() >= 2 && result.key.front() == '"') result.key = result.key.substr(1, result.key.size() - 2);
  result.value = edn_field(text, "value").value_or("nil");
  return result;
}

std::string unquote(const std::string& value) {
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return value.substr(1, value.size() - 2);
  return value;
}

// "[1 2]" to "1 2" for a cas.
std::string cas_arguments(const std::string& value, const std::string& path, std::size_t line) {
  if (value.size() < 5 || value.front() != '[' || value.back() != ']' || value.find(' ') == std::string::npos) {
    fail_at(path, line, "expected a cas argument [FROM TO], found \"" + value + "\"");
  }
  return value.substr(1, value.size() - 2);
}

}  // namespace

std::vector<operation> read_jepsen_history(const std::string& path) {
  std::ifstream input(path);
  if (!input) throw history_error(path + ":0: cannot open the history");
  std::vector<operation> result;
  std::map<std::uint64_t, std::size_t> open;  // process -> its pending operation
  std::vector<bool> dropped;
  std::string text;
  std::size_t line = 0;
  while (std::getline(input, text)) {
    line++;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const event_line event = text[0] == '{' ? parse_edn_line(text, path, line) : parse_log_line(text, path, line);
    if (event.type == "invoke") {
      if (open.count(event.process) != 0) fail_at(path, line, "process " + std::to_string(event.process) + " invokes twice");
      operation item;
      item.client = event.process;
      item.call = line;
      item.function = event.function;
      item.key = event.key;
      item.input = event.function == "cas" ? cas_arguments(event.value, path, line)
                   : event.function == "read" || event.function == "get" ? "" : unquote(event.value);
      open[event.process] = result.size();
      result.push_back(item);
      dropped.push_back(false);
      continue;
    }
    const auto pending = open.find(event.process);
    if (pending == open.end()) fail_at(path, line, "process " + std::to_string(event.process) + " completes an operation it never invoked");
    operation& item = result[pending->second];
    open.erase(pending);
    if (event.type == "ok") {
      item.returned = line;
      item.output = item.function == "cas" ? "true" : unquote(event.value);
    } else if (event.type == "fail" && item.function == "cas" && event.value != ":timed-out") {
      item.returned = line;
      item.output = "false";
    } else if (event.type == "fail" || event.type == "info") {
      // Did not happen (a failed write or read), or unknown: a read that
      // constrains nothing is dropped; a write or cas may still take effect.
      item.output_known = false;
      const bool happened_never = event.type == "fail" && item.function != "cas" && event.value != ":timed-out";
      dropped[&item - result.data()] = happened_never || item.function == "read" || item.function == "get";
    } else {
      fail_at(path, line, "unknown event type :" + event.type);
    }
  }
  // Invocations never completed have an unknown outcome too.
  for (const auto& [process, index] : open) {
    result[index].output_known = false;
    if (result[index].function == "read" || result[index].function == "get") dropped[index] = true;
  }
  std::vector<operation> kept;
  for (std::size_t index = 0; index < result.size(); ++index) {
    if (!dropped[index]) kept.push_back(result[index]);
  }
  return kept;
}

}  // namespace traces
