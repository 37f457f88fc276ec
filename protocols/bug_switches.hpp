#pragma once
// A family's bug switches as a table: each name, the flag it sets in the
// family's options, the checker meant to catch it and what it breaks. One
// table serves `syncsim list bugs` and the parsing of --bug.

#include <set>
#include <span>
#include <string>
#include <vector>

#include "sim/system.hpp"

namespace protocols {

template <class Flags>
struct bug_switch {
  const char* name;
  bool Flags::*flag;
  const char* checker;
  const char* summary;
};

template <class Flags>
std::vector<sim::bug_description> describe_bugs(std::span<const bug_switch<Flags>> table) {
  std::vector<sim::bug_description> result;
  for (const bug_switch<Flags>& item : table) result.push_back({item.name, item.checker, item.summary});
  return result;
}

template <class Flags>
Flags bugs_turned_on(std::span<const bug_switch<Flags>> table, const std::set<std::string>& names) {
  Flags flags;
  for (const bug_switch<Flags>& item : table) flags.*item.flag = names.count(item.name) != 0;
  return flags;
}

}  // namespace protocols
