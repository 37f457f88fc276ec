// The lock manager's state machine, entry by entry: modes, FIFO without
// barging, upgrades and downgrades, try-lock, leases and fencing tokens,
// sessions, and the commands the leader proposes from its clock.
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "protocols/lock/lock_table.hpp"

namespace {

using protocols::lock::lock_mode;
using protocols::lock::lock_table;

// A table fed log entries one index at a time, remembering its replies.
struct table_log {
  lock_table table{protocols::lock::lock_bugs{}, protocols::lock::lock_timing{}};
  std::uint64_t index = 0;
  std::vector<protocols::raft::machine_reply> replies;

  // Applies a client's command and returns its reply to that client, or ""
  // if it waits.
  std::string client(std::uint64_t client, std::uint64_t sequence, const std::string& command,
                     sim::time_ns now = 0) {
    replies.clear();
    table.apply(++index, {1, command, client, sequence}, now, replies);
    for (const auto& reply : replies) {
      if (reply.client == client && reply.sequence == sequence) return reply.result;
    }
    return "";
  }
  void leader(const std::string& command, sim::time_ns now = 0) {
    replies.clear();
    table.apply(++index, {1, command, 0, 0}, now, replies);
  }
  bool replied(std::uint64_t client, const std::string& prefix) const {
    for (const auto& reply : replies) {
      if (reply.client == client && reply.result.starts_with(prefix)) return true;
    }
    return false;
  }
  // A lock nobody holds or waits for has no entry at all.
  std::size_t holders(const std::string& lock) const {
    const auto found = table.locks().find(lock);
    return found == table.locks().end() ? 0 : found->second.holders.size();
  }
  std::size_t waiting(const std::string& lock) const {
    const auto found = table.locks().find(lock);
    return found == table.locks().end() ? 0 : found->second.queue.size();
  }
};

constexpr sim::time_ns after_detection = 500 * sim::millisecond;  // past the detection period, before the waits end
const std::string wait = " 1000000000 0";  // wait up to 1s, no lease

}  // namespace

TEST_CASE("lock table: shared holders share, an exclusive request waits, and grants follow releases in order") {
  table_log log;
  CHECK(log.client(10, 1, "acquire x S" + wait).starts_with("granted "));
  CHECK(log.client(11, 1, "acquire x S" + wait).starts_with("granted "));
  CHECK(log.client(12, 1, "acquire x X" + wait).empty());
  // No barging: a shared request behind the queued exclusive one waits.
  CHECK(log.client(13, 1, "acquire x S" + wait).empty());
  CHECK(log.holders("x") == 2);
  CHECK(log.waiting("x") == 2);
  const std::string token10 = std::to_string(log.table.locks().at("x").holders[0].token);
  CHECK(log.client(10, 2, "release x " + token10) == "released");
  CHECK(log.waiting("x") == 2);
  const std::string token11 = std::to_string(log.table.locks().at("x").holders[0].token);
  CHECK(log.client(11, 2, "release x " + token11) == "released");
  CHECK(log.replied(12, "granted "));
  CHECK(log.holders("x") == 1);
  CHECK(log.table.locks().at("x").holders[0].mode == lock_mode::exclusive);
}

TEST_CASE("lock table: a try-lock never waits, a release needs the holder's token") {
  table_log log;
  const std::string granted = log.client(10, 1, "acquire x X 0 0");
  REQUIRE(granted.starts_with("granted "));
  CHECK(log.client(11, 1, "acquire x S 0 0") == "busy");
  CHECK(log.client(11, 2, "release x " + granted.substr(8)) == "not-holder");
  CHECK(log.client(10, 2, "release x 1") == "not-holder");
  CHECK(log.client(10, 3, "release x " + granted.substr(8)) == "released");
}

TEST_CASE("lock table: tokens grow with the log index and fence an upgrade") {
  table_log log;
  const std::string first = log.client(10, 1, "acquire x S" + wait);
  const std::string second = log.client(11, 1, "acquire y X" + wait);
  CHECK(std::stoull(second.substr(8)) > std::stoull(first.substr(8)));
  // The sole shared holder upgrades at once, with a new token.
  const std::string upgraded = log.client(10, 2, "acquire x X" + wait);
  CHECK(std::stoull(upgraded.substr(8)) > std::stoull(second.substr(8)));
  CHECK(log.table.locks().at("x").holders[0].mode == lock_mode::exclusive);
  // A downgrade keeps the token and lets shared waiters in.
  CHECK(log.client(12, 1, "acquire x S" + wait).empty());
  CHECK(log.client(10, 3, "acquire x S" + wait) == upgraded);
  CHECK(log.replied(12, "granted "));
  CHECK(log.holders("x") == 2);
}

TEST_CASE("lock table: a retried request is applied once and answered again") {
  table_log log;
  const std::string granted = log.client(10, 1, "acquire x X" + wait);
  CHECK(log.client(10, 1, "acquire x X" + wait) == granted);
  CHECK(log.holders("x") == 1);
  CHECK(log.client(11, 1, "acquire x X" + wait).empty());
  CHECK(log.client(11, 1, "acquire x X" + wait).empty());  // still waiting: no second waiter
  CHECK(log.waiting("x") == 1);
  protocols::raft::client_request retry{11, 1, "acquire x X" + wait};
  std::string answer;
  CHECK(log.table.admit(retry, answer) == protocols::raft::admission::ignore);
  retry = {10, 1, "acquire x X" + wait};
  CHECK(log.table.admit(retry, answer) == protocols::raft::admission::answered);
  CHECK(answer == granted);
}

TEST_CASE("lock table: the leader proposes expiry after the lease on its clock, and a renewal cancels it") {
  table_log log;
  const std::string granted = log.client(10, 1, "acquire x X 0 100000000", 0);  // lease 100ms
  REQUIRE(granted.starts_with("granted "));
  CHECK(log.table.propose(50 * sim::millisecond).empty());
  CHECK(log.client(10, 2, "renew x " + granted.substr(8) + " 100000000", 60 * sim::millisecond) == "renewed");
  CHECK(log.table.propose(120 * sim::millisecond).empty());
  const auto commands = log.table.propose(170 * sim::millisecond);
  REQUIRE(commands.size() == 1);
  CHECK(commands[0].starts_with("expire x 10 "));
  CHECK(log.table.propose(180 * sim::millisecond).empty());  // proposed once
  // A renewal that applies first makes the expiry a no-op.
  CHECK(log.client(10, 3, "renew x " + granted.substr(8) + " 100000000", 175 * sim::millisecond) == "renewed");
  log.leader(commands[0], 176 * sim::millisecond);
  CHECK(log.holders("x") == 1);
  const auto later = log.table.propose(400 * sim::millisecond);
  REQUIRE(later.size() == 1);
  log.leader(later[0], 400 * sim::millisecond);
  CHECK(log.holders("x") == 0);
  CHECK(log.client(10, 4, "release x " + granted.substr(8)) == "not-holder");
}

TEST_CASE("lock table: a wait times out by the leader's command, and the queue moves on") {
  table_log log;
  log.client(10, 1, "acquire x X 0 0");
  CHECK(log.client(11, 1, "acquire x X 100000000 0").empty());  // waits up to 100ms
  CHECK(log.client(12, 1, "acquire x S" + wait).empty());
  const auto commands = log.table.propose(150 * sim::millisecond);
  REQUIRE(commands.size() == 1);
  log.leader(commands[0]);
  CHECK(log.replied(11, "timeout"));
  CHECK(log.waiting("x") == 1);
}

TEST_CASE("lock table: the conversion deadlock is found, the younger upgrade aborted, the other granted") {
  table_log log;
  log.client(10, 1, "acquire x S" + wait);
  log.client(11, 1, "acquire x S" + wait);
  CHECK(log.client(10, 2, "acquire x X" + wait).empty());
  CHECK(log.client(11, 2, "acquire x X" + wait).empty());
  const auto commands = log.table.propose(after_detection);
  REQUIRE(commands.size() == 1);
  CHECK(commands[0].starts_with("abort x 11 "));
  log.leader(commands[0]);
  CHECK(log.replied(11, "deadlock"));
  // Client 11 still holds shared until it releases; then 10 upgrades.
  const std::string token11 = std::to_string(log.table.locks().at("x").holders[1].token);
  CHECK(log.client(11, 3, "release x " + token11) == "released");
  CHECK(log.replied(10, "granted "));
}

TEST_CASE("lock table: an abort whose cycle is gone when it applies aborts nothing") {
  table_log log;
  const std::string x = log.client(10, 1, "acquire x X" + wait);
  log.client(11, 1, "acquire y X" + wait);
  CHECK(log.client(10, 2, "acquire y X" + wait).empty());
  CHECK(log.client(11, 2, "acquire x X" + wait).empty());
  const auto commands = log.table.propose(after_detection);
  REQUIRE(commands.size() == 1);
  // Before the abort applies, the wait of 11 times out: no cycle is left.
  const std::string request11 = commands[0].substr(commands[0].rfind(' ') + 1);
  log.leader("timeout x 11 " + request11);
  log.leader(commands[0]);
  CHECK_FALSE(log.replied(10, "deadlock"));
  CHECK(log.waiting("y") == 1);
}

TEST_CASE("lock table: a snapshot round-trips the replicated state") {
  table_log log;
  log.client(10, 1, "acquire x S 0 100000000");
  log.client(11, 1, "acquire x X" + wait);
  lock_table copy{protocols::lock::lock_bugs{}, protocols::lock::lock_timing{}};
  copy.load(log.table.encode(), 5 * sim::second);
  CHECK(copy.state_hash() == log.table.state_hash());
  CHECK(copy.encode() == log.table.encode());
}
