#pragma once
// The protected resource of the fencing scheme (Kleppmann 2016; Chubby's
// sequencers): a storage service that accepts a write under a lock only if
// its token is at least the newest it has seen for that lock. A client
// whose lease ran out while it was paused still writes with its old token
// and is turned away.

#include <cstdint>
#include <map>
#include <string>

#include "sim/actor.hpp"

namespace protocols::lock {

// A client's write under a lock, carrying its token; its first byte tells
// it from Raft's messages.
sim::bytes encode_write(const std::string& lock, std::uint64_t token);
bool is_write(const sim::envelope& message);
std::string describe_write(const sim::envelope& message);  // "write l2 token=41007"

class lock_resource final : public sim::actor_value<lock_resource> {
 public:
  void on_start(const sim::step_context&, const sim::disk_state&, sim::effects&) override {}
  void on_message(const sim::step_context& context, const sim::envelope& message, sim::effects& out) override;
  void on_timer(const sim::step_context&, std::uint64_t, sim::effects&) override {}

  const std::map<std::string, std::uint64_t>& newest() const { return newest_; }
  std::uint64_t accepted() const { return accepted_; }
  std::uint64_t rejected() const { return rejected_; }
  std::uint64_t hash_value() const;
  friend bool operator==(const lock_resource&, const lock_resource&) = default;

 private:
  std::map<std::string, std::uint64_t> newest_;  // per lock, the newest token seen
  std::uint64_t accepted_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace protocols::lock
