#pragma once
// Assertions that stay on in every build type (DESIGN.md 1.5). A failed
// assertion throws sim::assertion_failure instead of aborting, so the engine
// can report it as a bug with the seed and the replay command.

#include <stdexcept>
#include <string>

namespace sim {

class assertion_failure : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void assertion_failed(const char* expression, const char* file, int line);

}  // namespace sim

#define SYNCSIM_ASSERT(expression)                                  \
  do {                                                              \
    if (!(expression)) [[unlikely]] {                               \
      ::sim::assertion_failed(#expression, __FILE__, __LINE__);     \
    }                                                               \
  } while (false)
