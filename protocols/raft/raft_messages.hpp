#pragma once
// Raft's messages (the paper's Figure 2) and the client protocol, encoded as
// bytes with sim::byte_writer so that they can be checksummed, corrupted and
// snapshotted like any payload.

#include <cstdint>
#include <string>
#include <vector>

#include "sim/actor.hpp"

namespace protocols::raft {

struct log_entry {
  std::uint64_t term = 0;
  std::string command;     // "write x 3", "read x", "cas x 1 2", or "" for a leader's no-op
  std::uint64_t client = 0;    // process id of the client, for its session
  std::uint64_t sequence = 0;  // the client's sequence number; 0 for no-ops
  friend bool operator==(const log_entry&, const log_entry&) = default;
};

enum class message_type : std::uint8_t {
  request_vote,
  vote,
  append_entries,
  append_response,
  client_request,  // from a client, or forwarded by a follower
  client_reply,
  pre_vote,           // a request_vote for the term after the sender's (thesis 9.6)
  pre_vote_response,  // a vote that changes nobody's term or vote
  install_snapshot,   // a leader's snapshot for a follower whose next entry it has compacted
  relayed_reply,      // a reply the leader sends back through the follower that forwarded the request
};

struct request_vote {
  std::uint64_t term = 0;
  std::uint64_t last_index = 0;
  std::uint64_t last_term = 0;
};

struct vote {
  std::uint64_t term = 0;
  bool granted = false;
};

// The answer to a PreVote: the voter's own term (a higher one makes the
// pre-candidate step down) and the term the pre-vote was for.
struct pre_vote_response {
  std::uint64_t term = 0;
  std::uint64_t candidate_term = 0;
  bool granted = false;
};

struct append_entries {
  std::uint64_t term = 0;
  std::uint64_t previous_index = 0;
  std::uint64_t previous_term = 0;
  std::uint64_t commit = 0;
  // The leader's latest ReadIndex round; the response echoes it, so a
  // majority of echoes confirms leadership for the reads of that round.
  std::uint64_t read_round = 0;
  std::vector<log_entry> entries;
};

struct append_response {
  std::uint64_t term = 0;
  bool success = false;
  // On success, the last index now matching the leader; on failure, a hint:
  // the index after which the follower's log may still match.
  std::uint64_t index = 0;
  std::uint64_t read_round = 0;
  std::uint64_t rejected = 0;  // on failure, the previous_index that did not match
};

struct client_request {
  std::uint64_t client = 0;  // the client's process id, also when forwarded
  std::uint64_t sequence = 0;
  std::string command;
};

// A compacted log prefix: the state machine after applying entries 1 to
// `index`, with what the log needs to continue after it (the term and chain
// hash of entry `index`, the configuration in force there).
struct snapshot {
  std::uint64_t index = 0;
  std::uint64_t term = 0;
  std::uint64_t chain = 0;
  std::uint64_t config = 0;
  sim::bytes state;  // the store and the client sessions, as the server encodes them
  friend bool operator==(const snapshot&, const snapshot&) = default;
};

// Sent in one message: the simulated network has no message size limit, and
// a snapshot of the test store is small. The follower answers with an
// append_response whose index is the snapshot's.
struct install_snapshot {
  std::uint64_t term = 0;
  std::uint64_t read_round = 0;
  snapshot data;
};

enum class reply_status : std::uint8_t { ok, not_leader };

struct client_reply {
  std::uint64_t sequence = 0;
  reply_status status = reply_status::ok;
  std::int64_t leader_hint = -1;  // a server id, or -1 when unknown
  std::string result;
};

// A reply on its way back through the follower that forwarded its request
// (the seed's follower path: two round trips and consensus).
struct relayed_reply {
  std::uint64_t client = 0;
  client_reply reply;
};

// A PreVote has request_vote's fields and its own message type.
sim::bytes encode(const request_vote& message, message_type type = message_type::request_vote);
sim::bytes encode(const vote& message);
sim::bytes encode(const pre_vote_response& message);
sim::bytes encode(const append_entries& message);
sim::bytes encode(const append_response& message);
sim::bytes encode(const install_snapshot& message);
sim::bytes encode(const client_request& message);
sim::bytes encode(const client_reply& message);
sim::bytes encode(const relayed_reply& message);

message_type type_of(const sim::envelope& message);
request_vote decode_request_vote(const sim::envelope& message);
vote decode_vote(const sim::envelope& message);
pre_vote_response decode_pre_vote_response(const sim::envelope& message);
append_entries decode_append_entries(const sim::envelope& message);
append_response decode_append_response(const sim::envelope& message);
install_snapshot decode_install_snapshot(const sim::envelope& message);
client_request decode_client_request(const sim::envelope& message);
client_reply decode_client_reply(const sim::envelope& message);
relayed_reply decode_relayed_reply(const sim::envelope& message);

// One log entry, as AppendEntries and the log on disk both write it.
void write_entry(sim::byte_writer& writer, const log_entry& entry);
log_entry read_entry(sim::byte_reader& reader);
// A client's reply, plain or relayed.
void write_reply(sim::byte_writer& writer, const client_reply& reply);
client_reply read_reply(sim::byte_reader& reader);
// A snapshot, as InstallSnapshot and the disk both write it.
void write_snapshot(sim::byte_writer& writer, const snapshot& data);
snapshot read_snapshot(sim::byte_reader& reader);

// "append t=3 prev=4/2 n=2 commit=4" and so on, for traces.
std::string describe(const sim::envelope& message);

}  // namespace protocols::raft
