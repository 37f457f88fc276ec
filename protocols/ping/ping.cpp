#include "protocols/ping/ping.hpp"

#include "sim/hash.hpp"

namespace protocols::ping {

sim::bytes encode(message_type type, std::uint64_t number, const std::string& text) {
  sim::bytes payload;
  sim::byte_writer(payload).u8(static_cast<std::uint8_t>(type)).u64(number).text(text);
  return payload;
}

void ping_server::on_start(const sim::step_context& context, const sim::disk_state& disk,
                           sim::effects& out) {
  const auto stored = disk.values.find("boot_count");
  boot_count_ = stored == disk.values.end() ? 1 : sim::byte_reader(stored->second).u64() + 1;
  sim::bytes value;
  sim::byte_writer(value).u64(boot_count_);
  // Durable before anything leaves this node; the bug switch skips the fsync.
  out.set("boot_count", std::move(value), !options_.unsynced_boot_count);
  last_heard_ns_.assign(context.servers, -1);
  if (options_.silent_after_restart && context.incarnation > 0) return;
  out.set_timer(ping_timer, options_.period_ns);
}

void ping_server::on_message(const sim::step_context& context, const sim::envelope& message,
                             sim::effects& out) {
  sim::byte_reader reader(message.payload.data(), message.payload.size());
  const auto type = static_cast<message_type>(reader.u8());
  const std::uint64_t number = reader.u64();
  const std::string text = reader.text();
  if (type == message_type::ping) {
    out.send(message.from, encode(message_type::pong, number, {}));
  } else if (type == message_type::pong) {
    last_heard_ns_.at(message.from.process) = context.local_time_ns;
  } else if (type == message_type::echo_request) {
    out.reply(message.from, encode(message_type::echo_reply, number, options_.stale_echo ? last_echo_ : text));
    last_echo_ = text;
  }
}

void ping_server::on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) {
  if (timer_id != ping_timer) return;
  sequence_++;
  for (std::uint32_t server = 0; server < context.servers; ++server) {
    if (server != context.self.process) out.send(context.server(server), encode(message_type::ping, sequence_, {}));
  }
  out.set_timer(ping_timer, options_.period_ns);
}

std::uint64_t ping_server::hash_value() const {
  sim::hasher result;
  result.add(boot_count_).add(sequence_).add_string(last_echo_);
  for (sim::time_ns heard : last_heard_ns_) result.add(static_cast<std::uint64_t>(heard));
  return result.value();
}

void ping_client::on_start(const sim::step_context&, const sim::disk_state&, sim::effects& out) {
  out.set_timer(request_timer, options_.request_interval_ns);
}

void ping_client::on_message(const sim::step_context&, const sim::envelope& message, sim::effects& out) {
  sim::byte_reader reader(message.payload.data(), message.payload.size());
  if (static_cast<message_type>(reader.u8()) != message_type::echo_reply) return;
  const std::uint64_t number = reader.u64();
  if (!waiting_ || number != next_request_) return;  // a late or duplicated reply
  waiting_ = false;
  out.cancel_timer(timeout_timer);
  out.record({sim::history_type::ok, "echo", {}, reader.text()});
  out.set_timer(request_timer, options_.request_interval_ns);
}

void ping_client::on_timer(const sim::step_context& context, std::uint64_t timer_id, sim::effects& out) {
  if (timer_id == timeout_timer && waiting_) {
    waiting_ = false;  // the request may or may not have reached a server
    out.record({sim::history_type::info, "echo", {}, {}});
    out.set_timer(request_timer, options_.request_interval_ns);
    return;
  }
  if (timer_id != request_timer || waiting_) return;
  next_request_++;
  waiting_ = true;
  outstanding_ = "hello-" + std::to_string(next_request_);
  const auto server = static_cast<std::uint32_t>(context.rng().below(context.servers));
  out.record({sim::history_type::invoke, "echo", {}, outstanding_});
  out.request(context.server(server), encode(message_type::echo_request, next_request_, outstanding_));
  out.set_timer(timeout_timer, options_.request_timeout_ns);
}

std::uint64_t ping_client::hash_value() const {
  return sim::hasher().add(next_request_).add(waiting_).add_string(outstanding_).value();
}

}  // namespace protocols::ping
