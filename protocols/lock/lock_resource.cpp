#include "protocols/lock/lock_resource.hpp"

#include "sim/hash.hpp"

namespace protocols::lock {

namespace {

constexpr std::uint8_t write_marker = 0xf0;

struct write_request {
  std::string lock;
  std::uint64_t token = 0;
};

write_request decode_write(const sim::envelope& message) {
  SYNCSIM_ASSERT(is_write(message));
  sim::byte_reader reader(message.payload.data(), message.payload.size());
  reader.u8();
  write_request result;
  result.lock = reader.text();
  result.token = reader.u64();
  return result;
}

}  // namespace

sim::bytes encode_write(const std::string& lock, std::uint64_t token) {
  sim::bytes payload;
  sim::byte_writer(payload).u8(write_marker).text(lock).u64(token);
  return payload;
}

bool is_write(const sim::envelope& message) { return !message.payload.empty() && message.payload[0] == write_marker; }

std::string describe_write(const sim::envelope& message) {
  const write_request request = decode_write(message);
  return "write " + request.lock + " token=" + std::to_string(request.token);
}

// Each write is a history record of the resource's: ok if accepted, fail
// if fenced off, with the token and the writer.
void lock_resource::on_message(const sim::step_context&, const sim::envelope& message, sim::effects& out) {
  const write_request request = decode_write(message);
  const std::string& lock = request.lock;
  const std::uint64_t token = request.token;
  std::uint64_t& newest = newest_[lock];
  const bool accept = token >= newest;
  const std::string value = std::to_string(token) + " from " + std::to_string(message.from.process);
  out.record({sim::history_type::invoke, "write", lock, value});
  if (accept) {
    newest = token;
    accepted_++;
  } else {
    rejected_++;
  }
  out.record({accept ? sim::history_type::ok : sim::history_type::fail, "write", lock, value});
}

std::uint64_t lock_resource::hash_value() const {
  sim::hasher result;
  for (const auto& [lock, token] : newest_) result.add_string(lock).add(token);
  return result.add(accepted_).add(rejected_).value();
}

}  // namespace protocols::lock
