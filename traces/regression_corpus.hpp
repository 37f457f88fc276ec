#pragma once
// The regression corpus: failing seeds worth keeping, one JSON object per
// line of test/regressions.jsonl, replayed by the test suite.
//   {"scenario":"scenarios/raft-swarm.json","seed":17,"bugs":["raft.no_log_check"],
//    "checker":"raft.log_safety","expect":"violation","note":"..."}
// With bug switches on, the entry must still fail in its checker: the
// checker has not gone blind. Without, it records a real bug: "expect" is
// "violation" while the bug is open, and becomes "pass" with its fix, so the
// fixed bug stays fixed.

#include <cstdint>
#include <string>
#include <vector>

namespace traces {

struct corpus_entry {
  std::string scenario;  // a path relative to the project root (or absolute)
  std::uint64_t seed = 0;
  std::vector<std::string> bugs;
  std::string checker;
  std::string expect = "violation";  // or "pass"
  std::string note;
  friend bool operator==(const corpus_entry&, const corpus_entry&) = default;
};

// Throws trace_error ("FILE:LINE: message") on a malformed line; a missing
// file is an empty corpus.
std::vector<corpus_entry> read_corpus(const std::string& path);
std::string format_corpus_entry(const corpus_entry& entry);
// Appends the entry unless one with the same scenario, seed and bugs is
// there already; returns whether it was added. Throws std::runtime_error
// naming the file if it cannot be written.
bool append_to_corpus(const std::string& path, const corpus_entry& entry);

}  // namespace traces
