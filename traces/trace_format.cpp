#include "traces/trace_format.hpp"

#include <nlohmann/json.hpp>

#include "sim/hash.hpp"
#include "syncsim_version.hpp"

namespace traces {

std::string hex64(std::uint64_t value) {
  static const char digits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i) {
    text[static_cast<std::size_t>(i)] = digits[value & 15];
    value >>= 4;
  }
  return text;
}

std::string json_escape(const std::string& text) {
  std::string result;
  result.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '"': result += "\\\""; break;
      case '\\': result += "\\\\"; break;
      case '\n': result += "\\n"; break;
      case '\t': result += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          result += "\\u00";
          result += "0123456789abcdef"[(c >> 4) & 15];
          result += "0123456789abcdef"[c & 15];
        } else {
          result += c;
        }
    }
  }
  return result;
}

std::string format_header(const sim::scenario& input, std::uint64_t seed) {
  nlohmann::ordered_json header;
  header["type"] = "header";
  header["format"] = trace_format_version;
  header["syncsim"] = SYNCSIM_VERSION;
  header["revision"] = SYNCSIM_GIT_REVISION;
  header["seed"] = seed;
  header["scenario_file"] = input.source_file;
  header["scenario"] = nlohmann::json::parse(sim::scenario_to_json(input));
  return header.dump();
}

std::string format_address(const sim::world& state, sim::address where) {
  std::string text = state.process(where.process).name;
  if (where.instance != 0) text += "#" + std::to_string(where.instance);
  return text;
}

namespace {

const char* channel_name(sim::channel kind) {
  switch (kind) {
    case sim::channel::peer: return "peer";
    case sim::channel::request: return "request";
    case sim::channel::reply: return "reply";
  }
  return "unknown";
}

const char* history_type_name(std::uint64_t type) {
  static const char* const names[] = {"invoke", "ok", "fail", "info"};
  return type < 4 ? names[type] : "unknown";
}

// The message text, unless the payload no longer matches its checksum (a
// corrupted message would be decoded as garbage).
std::string message_text(const sim::world& state, const sim::trace_record& record) {
  if (sim::hash_bytes(record.payload) != record.detail) return "(corrupted)";
  const sim::envelope view{record.from, record.message_channel, record.message_id, record.payload};
  return state.behaviour().describe(record.to, view);
}

std::string message_fields(const sim::world& state, const sim::trace_record& record) {
  return ",\"from\":\"" + format_address(state, record.from) + "\",\"to\":\"" +
         format_address(state, record.to) + "\",\"channel\":\"" + channel_name(record.message_channel) +
         "\",\"id\":" + std::to_string(record.message_id) + ",\"sent\":" + std::to_string(record.depart_at);
}

}  // namespace

std::string format_record(const sim::world& state, const sim::trace_record& record) {
  std::string line = "{\"type\":\"event\",\"i\":" + std::to_string(record.index) +
                     ",\"t\":" + std::to_string(record.time) + ",\"kind\":\"" +
                     sim::record_kind_name(record.kind) + "\"";
  switch (record.kind) {
    case sim::record_kind::start:
      line += ",\"process\":\"" + format_address(state, record.to) +
              "\",\"incarnation\":" + std::to_string(record.detail);
      break;
    case sim::record_kind::deliver:
      line += message_fields(state, record) + ",\"message\":\"" + json_escape(message_text(state, record)) + "\"";
      break;
    case sim::record_kind::drop:
      line += message_fields(state, record) + ",\"reason\":\"" + json_escape(std::string(record.text)) +
              "\",\"message\":\"" + json_escape(message_text(state, record)) + "\"";
      break;
    case sim::record_kind::corrupt:
      line += message_fields(state, record);
      break;
    case sim::record_kind::timer:
      line += ",\"process\":\"" + format_address(state, record.to) + "\",\"timer\":" + std::to_string(record.detail);
      break;
    case sim::record_kind::history:
      line += ",\"process\":\"" + format_address(state, record.from) + "\",\"history\":\"" +
              history_type_name(record.detail) + "\",\"operation\":\"" + json_escape(std::string(record.text)) + "\"";
      break;
    case sim::record_kind::fault:
    case sim::record_kind::phase:
      line += ",\"what\":\"" + json_escape(std::string(record.text)) + "\"";
      break;
  }
  line += "}";
  return line;
}

std::string format_footer(const sim::run_result& result) {
  nlohmann::ordered_json footer;
  footer["type"] = "footer";
  footer["result"] = result.passed() ? "pass" : "violation";
  footer["events"] = result.events;
  footer["records"] = result.records;
  footer["simulated_ns"] = result.simulated_ns;
  footer["trace_hash"] = hex64(result.trace_hash);
  if (result.failure) {
    footer["violation"] = {{"checker", result.failure->checker},
                           {"message", result.failure->message},
                           {"event", result.failure->event_index},
                           {"time_ns", result.failure->time}};
  }
  return footer.dump();
}

}  // namespace traces
