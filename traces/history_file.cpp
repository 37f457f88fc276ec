#include "traces/history_file.hpp"

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "traces/jepsen_history.hpp"

namespace traces {
namespace {

const char* type_name(sim::history_type type) {
  switch (type) {
    case sim::history_type::invoke: return "invoke";
    case sim::history_type::ok: return "ok";
    case sim::history_type::fail: return "fail";
    case sim::history_type::info: return "info";
  }
  return "unknown";
}

std::string field(const nlohmann::json& line, const char* name, const std::string& path, std::size_t number) {
  if (!line.contains(name) || !line[name].is_string()) {
    throw history_error(path + ":" + std::to_string(number) + ": expected a string \"" + name + "\"");
  }
  return line[name].get<std::string>();
}

}  // namespace

void write_history(const std::string& path, const sim::world& state) {
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  if (!output) throw std::runtime_error(path + ": cannot open the history file for writing");
  for (const sim::history_event& item : state.history()) {
    nlohmann::ordered_json line;
    line["index"] = item.index;
    line["time_ns"] = item.time;
    line["process"] = state.process(item.process).name;
    line["type"] = type_name(item.record.type);
    line["f"] = item.record.operation;
    line["key"] = item.record.key;
    line["value"] = item.record.value;
    output << line.dump() << '\n';
  }
  if (!output) throw std::runtime_error(path + ": error while writing the history");
}

std::vector<sim::linearizability::operation> read_history_file(const std::string& path) {
  std::ifstream input(path);
  if (!input) throw history_error(path + ":0: cannot open the history");
  std::vector<sim::linearizability::operation> result;
  std::map<std::string, std::size_t> open;
  std::string text;
  std::size_t number = 0;
  while (std::getline(input, text)) {
    number++;
    nlohmann::json line;
    try {
      line = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& error) {
      throw history_error(path + ":" + std::to_string(number) + ": malformed JSON: " + error.what());
    }
    const std::string process = field(line, "process", path, number);
    const std::string type = field(line, "type", path, number);
    if (type == "invoke") {
      sim::linearizability::operation item;
      item.client = result.size();
      item.call = number;
      item.function = field(line, "f", path, number);
      item.key = field(line, "key", path, number);
      item.input = field(line, "value", path, number);
      open[process] = result.size();
      result.push_back(item);
      continue;
    }
    const auto pending = open.find(process);
    if (pending == open.end()) {
      throw history_error(path + ":" + std::to_string(number) + ": " + process + " completes an operation it never invoked");
    }
    sim::linearizability::operation& item = result[pending->second];
    open.erase(pending);
    if (type == "ok") {
      item.returned = number;
      item.output = field(line, "value", path, number);
    } else if (type == "info" || type == "fail") {
      item.output_known = false;  // fail: did not happen; treated as may-have-happened, which is weaker
    } else {
      throw history_error(path + ":" + std::to_string(number) + ": unknown type \"" + type + "\"");
    }
  }
  for (const auto& [process, index] : open) result[index].output_known = false;
  return result;
}

}  // namespace traces
