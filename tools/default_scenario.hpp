#pragma once
// The scenario `syncsim run` uses when given none.

#include <string>

namespace tools {

inline constexpr const char* default_scenario_name = "<default>";
const std::string& default_scenario_text();

}  // namespace tools
