#include "protocols/raft/kv_store.hpp"

#include <sstream>

#include "sim/hash.hpp"

namespace protocols::raft {
namespace {

std::uint64_t value_hash(const std::string& key, const std::string& value) {
  return sim::hasher(1).add_string(key).add_string(value).value();
}

std::uint64_t session_hash(std::uint64_t client, const session& value) {
  return sim::hasher(2).add(client).add(value.sequence).add_string(value.result).value();
}

}  // namespace

bool kv_store::equals(const state_machine& other) const {
  const auto* same = dynamic_cast<const kv_store*>(&other);
  return same != nullptr && same->values_ == values_ && same->sessions_ == sessions_ && same->state_hash_ == state_hash_;
}

// A request already applied is answered from its session and never
// applied twice; an older one is a stale retry.
admission kv_store::admit(const client_request& request, std::string& answer) const {
  if (request.command.starts_with("read ")) return admission::read;
  const auto known = sessions_.find(request.client);
  if (known == sessions_.end() || request.sequence > known->second.sequence) return admission::append;
  if (request.sequence < known->second.sequence) return admission::ignore;
  answer = known->second.result;
  return admission::answered;
}

void kv_store::apply(std::uint64_t, const log_entry& entry, sim::time_ns, std::vector<machine_reply>& replies) {
  SYNCSIM_ASSERT(entry.sequence > 0);  // the store proposes nothing itself
  const auto known = sessions_.find(entry.client);
  const std::uint64_t applied = known == sessions_.end() ? 0 : known->second.sequence;
  if (entry.sequence < applied) return;  // a retry of a command long answered
  if (entry.sequence > applied) set_session(entry.client, {entry.sequence, execute(entry.command)});
  replies.push_back({entry.client, entry.sequence, sessions_.at(entry.client).result});
}

std::string kv_store::read(const std::string& command) const {
  SYNCSIM_ASSERT(command.starts_with("read "));
  return value_of(command.substr(5));
}

// "write KEY VALUE" -> "", "cas KEY FROM TO" -> "true" or "false".
std::string kv_store::execute(const std::string& command) {
  std::istringstream words(command);
  std::string operation;
  std::string key;
  words >> operation >> key;
  const std::string current = value_of(key);
  if (operation == "write") {
    std::string value;
    words >> value;
    set_value(key, value);
    return "";
  }
  if (operation == "cas") {
    std::string expected;
    std::string replacement;
    words >> expected >> replacement;
    if (current != expected) return "false";
    set_value(key, replacement);
    return "true";
  }
  SYNCSIM_ASSERT(false);  // the client sends only reads, writes and cas
  return "";
}

std::string kv_store::value_of(const std::string& key) const {
  const auto stored = values_.find(key);
  return stored == values_.end() ? "nil" : stored->second;
}

void kv_store::set_value(const std::string& key, const std::string& value) {
  const auto stored = values_.find(key);
  if (stored != values_.end()) state_hash_ -= value_hash(key, stored->second);
  values_[key] = value;
  state_hash_ += value_hash(key, value);
}

void kv_store::set_session(std::uint64_t client, const session& value) {
  const auto stored = sessions_.find(client);
  if (stored != sessions_.end()) state_hash_ -= session_hash(client, stored->second);
  sessions_[client] = value;
  state_hash_ += session_hash(client, value);
}

// Keys and clients in order, so that equal states encode equally.
sim::bytes kv_store::encode() const {
  sim::bytes state;
  sim::byte_writer writer(state);
  writer.u32(static_cast<std::uint32_t>(values_.size()));
  for (const auto& [key, value] : values_) writer.text(key).text(value);
  writer.u32(static_cast<std::uint32_t>(sessions_.size()));
  for (const auto& [client, known] : sessions_) writer.u64(client).u64(known.sequence).text(known.result);
  return state;
}

void kv_store::load(const sim::bytes& state, sim::time_ns) {
  *this = kv_store{};
  sim::byte_reader reader(state);
  const std::uint32_t values = reader.u32();
  for (std::uint32_t item = 0; item < values; ++item) {
    const std::string key = reader.text();
    set_value(key, reader.text());
  }
  const std::uint32_t sessions = reader.u32();
  for (std::uint32_t item = 0; item < sessions; ++item) {
    const std::uint64_t client = reader.u64();
    session known;
    known.sequence = reader.u64();
    known.result = reader.text();
    set_session(client, known);
  }
  SYNCSIM_ASSERT(reader.at_end());
}

}  // namespace protocols::raft
