#include "protocols/bench/bench.hpp"

namespace protocols::bench {

void bench_server::send_to_random_server(const sim::step_context& context, std::uint64_t hops,
                                         sim::effects& out) const {
  const auto server = static_cast<std::uint32_t>(context.rng().below(context.servers));
  sim::bytes payload;
  sim::byte_writer(payload).u64(hops);
  out.send(context.server(server), std::move(payload));
}

void bench_server::on_start(const sim::step_context& context, const sim::disk_state&, sim::effects& out) {
  for (std::uint32_t message = 0; message < options_.messages_per_server; ++message) {
    send_to_random_server(context, 0, out);
  }
  for (std::uint32_t timer = 0; timer < options_.timers_per_server; ++timer) {
    out.set_timer(timer, static_cast<sim::time_ns>(context.rng().below(
                             static_cast<std::uint64_t>(options_.timer_period_ns) + 1)));
  }
}

void bench_server::on_message(const sim::step_context& context, const sim::envelope& message,
                              sim::effects& out) {
  handled_++;
  sim::byte_reader reader(message.payload.data(), message.payload.size());
  send_to_random_server(context, reader.u64() + 1, out);
}

void bench_server::on_timer(const sim::step_context&, std::uint64_t timer_id, sim::effects& out) {
  handled_++;
  out.set_timer(timer_id, options_.timer_period_ns);
}

}  // namespace protocols::bench
