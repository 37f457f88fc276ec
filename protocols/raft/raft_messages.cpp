#include "protocols/raft/raft_messages.hpp"

namespace protocols::raft {
namespace {

sim::byte_writer start(sim::bytes& payload, message_type type) {
  sim::byte_writer writer(payload);
  writer.u8(static_cast<std::uint8_t>(type));
  return writer;
}

sim::byte_reader body(const sim::envelope& message) {
  sim::byte_reader reader(message.payload.data(), message.payload.size());
  reader.u8();
  return reader;
}

}  // namespace

void write_entry(sim::byte_writer& writer, const log_entry& entry) {
  writer.u64(entry.term).text(entry.command).u64(entry.client).u64(entry.sequence);
}

log_entry read_entry(sim::byte_reader& reader) {
  log_entry entry;
  entry.term = reader.u64();
  entry.command = reader.text();
  entry.client = reader.u64();
  entry.sequence = reader.u64();
  return entry;
}

void write_snapshot(sim::byte_writer& writer, const snapshot& data) {
  writer.u64(data.index).u64(data.term).u64(data.chain).u64(data.config).blob(data.state);
}

snapshot read_snapshot(sim::byte_reader& reader) {
  snapshot data;
  data.index = reader.u64();
  data.term = reader.u64();
  data.chain = reader.u64();
  data.config = reader.u64();
  data.state = reader.blob();
  return data;
}

sim::bytes encode(const request_vote& message, message_type type) {
  SYNCSIM_ASSERT(type == message_type::request_vote || type == message_type::pre_vote);
  sim::bytes payload;
  start(payload, type).u64(message.term).u64(message.last_index).u64(message.last_term);
  return payload;
}

sim::bytes encode(const vote& message) {
  sim::bytes payload;
  start(payload, message_type::vote).u64(message.term).u8(message.granted ? 1 : 0);
  return payload;
}

sim::bytes encode(const pre_vote_response& message) {
  sim::bytes payload;
  start(payload, message_type::pre_vote_response)
      .u64(message.term)
      .u64(message.candidate_term)
      .u8(message.granted ? 1 : 0);
  return payload;
}

sim::bytes encode(const append_entries& message) {
  sim::bytes payload;
  sim::byte_writer writer = start(payload, message_type::append_entries);
  writer.u64(message.term).u64(message.previous_index).u64(message.previous_term).u64(message.commit);
  writer.u64(message.read_round);
  writer.u32(static_cast<std::uint32_t>(message.entries.size()));
  for (const log_entry& entry : message.entries) write_entry(writer, entry);
  return payload;
}

sim::bytes encode(const append_response& message) {
  sim::bytes payload;
  start(payload, message_type::append_response).u64(message.term).u8(message.success ? 1 : 0).u64(message.index);
  sim::byte_writer(payload).u64(message.read_round).u64(message.rejected);
  return payload;
}

sim::bytes encode(const install_snapshot& message) {
  sim::bytes payload;
  sim::byte_writer writer = start(payload, message_type::install_snapshot);
  writer.u64(message.term).u64(message.read_round);
  write_snapshot(writer, message.data);
  return payload;
}

sim::bytes encode(const client_request& message) {
  sim::bytes payload;
  start(payload, message_type::client_request).u64(message.client).u64(message.sequence).text(message.command);
  return payload;
}

void write_reply(sim::byte_writer& writer, const client_reply& reply) {
  writer.u64(reply.sequence).u8(static_cast<std::uint8_t>(reply.status)).i64(reply.leader_hint).text(reply.result);
}

client_reply read_reply(sim::byte_reader& reader) {
  client_reply result;
  result.sequence = reader.u64();
  result.status = static_cast<reply_status>(reader.u8());
  result.leader_hint = reader.i64();
  result.result = reader.text();
  return result;
}

sim::bytes encode(const client_reply& message) {
  sim::bytes payload;
  sim::byte_writer writer = start(payload, message_type::client_reply);
  write_reply(writer, message);
  return payload;
}

sim::bytes encode(const relayed_reply& message) {
  sim::bytes payload;
  sim::byte_writer writer = start(payload, message_type::relayed_reply);
  writer.u64(message.client);
  write_reply(writer, message.reply);
  return payload;
}

message_type type_of(const sim::envelope& message) {
  SYNCSIM_ASSERT(!message.payload.empty());
  const std::uint8_t type = message.payload[0];
  SYNCSIM_ASSERT(type <= static_cast<std::uint8_t>(message_type::relayed_reply));
  return static_cast<message_type>(type);
}

request_vote decode_request_vote(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  request_vote result;
  result.term = reader.u64();
  result.last_index = reader.u64();
  result.last_term = reader.u64();
  return result;
}

vote decode_vote(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  vote result;
  result.term = reader.u64();
  result.granted = reader.u8() != 0;
  return result;
}

pre_vote_response decode_pre_vote_response(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  pre_vote_response result;
  result.term = reader.u64();
  result.candidate_term = reader.u64();
  result.granted = reader.u8() != 0;
  return result;
}

append_entries decode_append_entries(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  append_entries result;
  result.term = reader.u64();
  result.previous_index = reader.u64();
  result.previous_term = reader.u64();
  result.commit = reader.u64();
  result.read_round = reader.u64();
  const std::uint32_t count = reader.u32();
  for (std::uint32_t index = 0; index < count; ++index) result.entries.push_back(read_entry(reader));
  return result;
}

append_response decode_append_response(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  append_response result;
  result.term = reader.u64();
  result.success = reader.u8() != 0;
  result.index = reader.u64();
  result.read_round = reader.u64();
  result.rejected = reader.u64();
  return result;
}

install_snapshot decode_install_snapshot(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  install_snapshot result;
  result.term = reader.u64();
  result.read_round = reader.u64();
  result.data = read_snapshot(reader);
  return result;
}

client_request decode_client_request(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  client_request result;
  result.client = reader.u64();
  result.sequence = reader.u64();
  result.command = reader.text();
  return result;
}

client_reply decode_client_reply(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  return read_reply(reader);
}

relayed_reply decode_relayed_reply(const sim::envelope& message) {
  sim::byte_reader reader = body(message);
  relayed_reply result;
  result.client = reader.u64();
  result.reply = read_reply(reader);
  return result;
}

std::string describe(const sim::envelope& message) {
  const auto number = [](std::uint64_t value) { return std::to_string(value); };
  switch (type_of(message)) {
    case message_type::request_vote:
    case message_type::pre_vote: {
      const request_vote item = decode_request_vote(message);
      const bool pre = type_of(message) == message_type::pre_vote;
      return std::string(pre ? "pre-vote" : "request-vote") + " t=" + number(item.term) + " last=" + number(item.last_index) + "/" + number(item.last_term);
    }
    case message_type::vote: {
      const vote item = decode_vote(message);
      return std::string(item.granted ? "vote-granted" : "vote-refused") + " t=" + number(item.term);
    }
    case message_type::pre_vote_response: {
      const pre_vote_response item = decode_pre_vote_response(message);
      return std::string(item.granted ? "pre-vote-granted" : "pre-vote-refused") + " for t=" +
             number(item.candidate_term) + " t=" + number(item.term);
    }
    case message_type::append_entries: {
      const append_entries item = decode_append_entries(message);
      return "append t=" + number(item.term) + " prev=" + number(item.previous_index) + "/" +
             number(item.previous_term) + " n=" + number(item.entries.size()) + " commit=" + number(item.commit) +
             (item.read_round == 0 ? "" : " round=" + number(item.read_round));
    }
    case message_type::append_response: {
      const append_response item = decode_append_response(message);
      return std::string(item.success ? "append-ok" : "append-refused") + " t=" + number(item.term) +
             " index=" + number(item.index) + (item.read_round == 0 ? "" : " round=" + number(item.read_round));
    }
    case message_type::install_snapshot: {
      const install_snapshot item = decode_install_snapshot(message);
      return "install-snapshot t=" + number(item.term) + " last=" + number(item.data.index) + "/" +
             number(item.data.term) + " bytes=" + number(item.data.state.size());
    }
    case message_type::client_request: {
      const client_request item = decode_client_request(message);
      return "request #" + number(item.sequence) + " " + item.command;
    }
    case message_type::relayed_reply: {
      const relayed_reply item = decode_relayed_reply(message);
      return "relay to " + number(item.client) + " reply #" + number(item.reply.sequence) + " " + item.reply.result;
    }
    case message_type::client_reply: {
      const client_reply item = decode_client_reply(message);
      return "reply #" + number(item.sequence) + (item.status == reply_status::ok ? " ok " + item.result : " not-leader");
    }
  }
  return "unknown";
}

}  // namespace protocols::raft
