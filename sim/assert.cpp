#include "sim/assert.hpp"

namespace sim {

void assertion_failed(const char* expression, const char* file, int line) {
  throw assertion_failure(std::string("assertion failed: ") + expression + " at " + file + ":" +
                          std::to_string(line));
}

}  // namespace sim
