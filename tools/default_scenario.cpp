#include "tools/default_scenario.hpp"

namespace tools {

// Three servers and two clients of the example protocol under every kind of
// fault for twenty simulated seconds, then a heal and a liveness check.
const std::string& default_scenario_text() {
  static const std::string text = R"({
  "version": 1,
  "name": "default",
  "description": "Three ping servers and two echo clients under random faults for 20s, then heal: every server must hear from every other within 5s.",
  "protocol": {"name": "ping", "options": {"period": "100ms"}},
  "workload": {"request_interval": "50ms", "request_timeout": "500ms"},
  "cluster": {"servers": 3, "clients": 2},
  "network": {
    "delay": {"floor": "1ms", "jitter": "1ms", "tail_doublings_max": 5},
    "drop": "1/100",
    "duplicate": "1/200",
    "reorder": "1/50",
    "corrupt": "1/1000"
  },
  "disk": {"fsync": "everysec", "fsync_delay": {"min": "500us", "max": "1ms"}},
  "clock": {"drift_ppm": {"min": -200, "max": 200}},
  "faults": {
    "swarm": {
      "enabled": true,
      "interval": {"min": "500ms", "max": "3s"},
      "duration": {"min": "100ms", "max": "2s"},
      "kinds": ["crash", "pause", "partition", "partition_one_way", "isolate", "drift"],
      "max_faulty": 1
    }
  },
  "duration": "20s",
  "checkers": {"every_events": 1, "liveness_bound": "5s"}
}
)";
  return text;
}

}  // namespace tools
