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
  sim::linearizability::history_builder builder;
  std::map<std::string, std::uint64_t> clients;
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
    const std::uint64_t client = clients.emplace(field(line, "process", path, number), clients.size()).first->second;
    const std::string type = field(line, "type", path, number);
    if (type == "invoke") {
      builder.invoke(client, number, field(line, "f", path, number), field(line, "key", path, number),
                     field(line, "value", path, number));
    } else if (type == "ok" || type == "info" || type == "fail") {
      if (!builder.complete(client, number, type == "ok", field(line, "value", path, number))) {
        throw history_error(path + ":" + std::to_string(number) + ": " + line["process"].get<std::string>() +
                            " completes an operation it never invoked");
      }
    } else {
      throw history_error(path + ":" + std::to_string(number) + ": unknown type \"" + type + "\"");
    }
  }
  return builder.finish();
}

}  // namespace traces
