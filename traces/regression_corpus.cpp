#include "traces/regression_corpus.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "traces/replay.hpp"

namespace traces {
namespace {

const std::set<std::string> corpus_keys = {"scenario", "seed", "bugs", "checker", "expect", "note"};

class line_reader {
 public:
  line_reader(std::string path, std::uint64_t line) : path_(std::move(path)), line_(line) {}

  [[noreturn]] void fail(const std::string& pointer, const std::string& message) const {
    throw trace_error(path_ + ":" + std::to_string(line_) + ": " + pointer + (pointer.empty() ? "" : ": ") + message);
  }

  std::string text(const nlohmann::json& object, const std::string& key, bool required) const {
    if (!object.contains(key)) {
      if (required) fail("/" + key, "required");
      return {};
    }
    if (!object[key].is_string()) fail("/" + key, "expected a string");
    return object[key].get<std::string>();
  }

  corpus_entry entry(const nlohmann::json& object) const {
    if (!object.is_object()) fail("", "expected one JSON object per line");
    for (const auto& item : object.items()) {
      if (corpus_keys.count(item.key()) == 0) fail("/" + item.key(), "unknown key");
    }
    corpus_entry result;
    result.scenario = text(object, "scenario", true);
    if (!object.contains("seed") || !object["seed"].is_number_unsigned()) fail("/seed", "expected an integer >= 0");
    result.seed = object["seed"].get<std::uint64_t>();
    if (object.contains("bugs")) {
      if (!object["bugs"].is_array()) fail("/bugs", "expected an array of bug switch names");
      for (std::size_t index = 0; index < object["bugs"].size(); ++index) {
        if (!object["bugs"][index].is_string()) fail("/bugs/" + std::to_string(index), "expected a string");
        result.bugs.push_back(object["bugs"][index].get<std::string>());
      }
    }
    result.checker = text(object, "checker", true);
    result.expect = text(object, "expect", true);
    if (result.expect != "violation" && result.expect != "pass") {
      fail("/expect", "expected \"violation\" or \"pass\", found \"" + result.expect + "\"");
    }
    result.note = text(object, "note", false);
    return result;
  }

 private:
  std::string path_;
  std::uint64_t line_;
};

bool same_run(const corpus_entry& left, const corpus_entry& right) {
  return left.scenario == right.scenario && left.seed == right.seed && left.bugs == right.bugs;
}

}  // namespace

std::vector<corpus_entry> read_corpus(const std::string& path) {
  std::ifstream input(path);
  std::vector<corpus_entry> entries;
  if (!input) return entries;
  std::string text;
  std::uint64_t number = 0;
  while (std::getline(input, text)) {
    number++;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const line_reader reader(path, number);
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
      reader.fail("", std::string("malformed JSON: ") + error.what());
    }
    entries.push_back(reader.entry(object));
  }
  return entries;
}

std::string format_corpus_entry(const corpus_entry& entry) {
  nlohmann::ordered_json object;
  object["scenario"] = entry.scenario;
  object["seed"] = entry.seed;
  object["bugs"] = entry.bugs;
  object["checker"] = entry.checker;
  object["expect"] = entry.expect;
  if (!entry.note.empty()) object["note"] = entry.note;
  return object.dump();
}

bool append_to_corpus(const std::string& path, const corpus_entry& entry) {
  for (const corpus_entry& existing : read_corpus(path)) {
    if (same_run(existing, entry)) return false;
  }
  std::ofstream output(path, std::ios::app);
  if (!output) throw std::runtime_error(path + ": cannot open the regression corpus for appending");
  output << format_corpus_entry(entry) << "\n";
  output.close();
  if (!output) throw std::runtime_error(path + ": error while appending to the regression corpus");
  return true;
}

}  // namespace traces
