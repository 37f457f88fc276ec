#pragma once
// The check every family's bug catalogue passes: each switch named once,
// each with a checker the family has, each with a test that it is caught.

#include <set>
#include <string>

#include "doctest/doctest.h"
#include "sim/system.hpp"

namespace test_support {

inline void check_bug_catalogue(const sim::system_definition& definition, const std::set<std::string>& tested,
                                std::size_t switches) {
  std::set<std::string> checkers;
  for (const auto& item : definition.checkers()) checkers.insert(item.name);
  std::set<std::string> names;
  for (const auto& item : definition.bugs()) {
    CAPTURE(item.name);
    CHECK(names.insert(item.name).second);
    CHECK(checkers.count(item.checker) == 1);
  }
  CHECK(names.size() == switches);
  CHECK(tested == names);
}

}  // namespace test_support
