#pragma once
// The small replicated key-value store Raft's own tests and scenarios use:
// read, write and compare-and-set on string keys, with client sessions (a
// client id and sequence number) so that a retried command applies once.

#include <map>
#include <string>

#include "protocols/raft/state_machine.hpp"

namespace protocols::raft {

struct session {
  std::uint64_t sequence = 0;
  std::string result;
  friend bool operator==(const session&, const session&) = default;
};

class kv_store final : public state_machine {
 public:
  std::unique_ptr<state_machine> clone() const override { return std::make_unique<kv_store>(*this); }
  bool equals(const state_machine& other) const override;
  std::uint64_t state_hash() const override { return state_hash_; }
  std::uint64_t fingerprint() const override { return state_hash_; }
  admission admit(const client_request& request, std::string& answer) const override;
  void apply(std::uint64_t index, const log_entry& entry, sim::time_ns now,
             std::vector<machine_reply>& replies) override;
  std::string read(const std::string& command) const override;
  std::vector<std::string> propose(sim::time_ns) override { return {}; }
  void on_leadership(bool, sim::time_ns) override {}
  sim::bytes encode() const override;
  void load(const sim::bytes& state, sim::time_ns now) override;

 private:
  std::string execute(const std::string& command);
  std::string value_of(const std::string& key) const;
  void set_value(const std::string& key, const std::string& value);
  void set_session(std::uint64_t client, const session& value);

  std::map<std::string, std::string> values_;
  std::map<std::uint64_t, session> sessions_;
  // A sum of one hash per key and per session.
  std::uint64_t state_hash_ = 0;
};

}  // namespace protocols::raft
