// The sequential specifications the linearizability checker ships with.
#include "sim/linearizability.hpp"

namespace sim::linearizability {
namespace {

// Jepsen's etcd register: values are integers or "nil" before any write.
class register_specification final : public model {
 public:
  std::string initial_state() const override { return "nil"; }
  bool step(const std::string& state, const operation& item, std::string& next) const override {
    if (item.function == "write") {
      next = item.input;
      return true;
    }
    if (item.function == "read") {
      next = state;
      return !item.output_known || item.output == state;
    }
    if (item.function == "cas") {
      const std::size_t space = item.input.find(' ');
      const bool matches = item.input.compare(0, space, state) == 0 && space == state.size();
      const std::string target = item.input.substr(space + 1);
      if (!item.output_known) {
        next = matches ? target : state;
        return true;
      }
      const bool succeeded = item.output == "true";
      next = succeeded ? target : state;
      return matches == succeeded;
    }
    return false;
  }
};

// Jepsen's key-value store: one string per key, empty before any put.
class key_value_specification final : public model {
 public:
  std::string initial_state() const override { return ""; }
  bool step(const std::string& state, const operation& item, std::string& next) const override {
    if (item.function == "put") {
      next = item.input;
      return true;
    }
    if (item.function == "append") {
      next = state + item.input;
      return true;
    }
    if (item.function == "get") {
      next = state;
      return !item.output_known || item.output == state;
    }
    return false;
  }
};

}  // namespace

const model& register_model() {
  static const register_specification specification;
  return specification;
}

const model& key_value_model() {
  static const key_value_specification specification;
  return specification;
}

}  // namespace sim::linearizability
