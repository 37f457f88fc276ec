#include "protocols/lock/lock_latency.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

namespace protocols::lock {
namespace {

struct seed_range {
  double low_ms;
  double high_ms;
};

// The seed's expectations (../shared/seed/architecture.md via INVARIANTS.md).
std::optional<seed_range> range_of(const std::string& operation) {
  if (operation == "acquire via leader") return seed_range{5, 10};
  if (operation == "acquire via follower") return seed_range{10, 20};
  return std::nullopt;
}

// "acquire via leader", "acquire via follower", "release", "renew".
std::string operation_of(const sim::history_record& invoke) {
  if (invoke.operation != "acquire") return invoke.operation;
  return invoke.value.ends_with("via follower") ? "acquire via follower" : "acquire via leader";
}

// Clients run one request at a time: an invoke is completed by the same
// process's next record. Only successes count: a refusal or a give-up says
// nothing about the service's speed.
std::map<std::string, std::vector<double>> latencies(const sim::world& state) {
  std::map<std::string, std::vector<double>> result;
  std::map<sim::process_id, const sim::history_event*> open;
  for (const sim::history_event& item : state.history()) {
    if (item.record.operation == "write") continue;  // the resource's own records
    if (item.record.type == sim::history_type::invoke) {
      open[item.process] = &item;
      continue;
    }
    const auto started = open.find(item.process);
    if (started == open.end()) continue;
    if (item.record.type == sim::history_type::ok) {
      const double milliseconds = static_cast<double>(item.time - started->second->time) / sim::millisecond;
      result[operation_of(started->second->record)].push_back(milliseconds);
    }
    open.erase(started);
  }
  return result;
}

double percentile(std::vector<double>& values, double share) {
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(share * static_cast<double>(values.size() - 1) + 0.5);
  return values[rank];
}

std::string verdict(const std::optional<seed_range>& range, double p50, double p99) {
  if (!range) return "no range in the seed";
  std::string outside;
  if (p50 < range->low_ms) outside += "p50 below";
  if (p99 > range->high_ms) outside += std::string(outside.empty() ? "" : ", ") + "p99 above";
  if (p50 > range->high_ms) outside += std::string(outside.empty() ? "" : ", ") + "p50 above";
  return outside.empty() ? "inside" : "OUTSIDE: " + outside;
}

}  // namespace

std::string latency_report(const sim::world& state) {
  std::string text = "latency          operation              count     p50 ms    p99 ms   seed's range   verdict\n";
  auto measured = latencies(state);
  for (auto& [operation, values] : measured) {
    const double p50 = percentile(values, 0.50);
    const double p99 = percentile(values, 0.99);
    const auto range = range_of(operation);
    char line[200];
    const std::string range_text =
        range ? std::to_string(static_cast<int>(range->low_ms)) + "-" + std::to_string(static_cast<int>(range->high_ms)) + " ms"
              : "-";
    std::snprintf(line, sizeof line, "                 %-20s %7zu %9.2f %9.2f   %-12s   %s\n", operation.c_str(),
                  values.size(), p50, p99, range_text.c_str(), verdict(range, p50, p99).c_str());
    text += line;
  }
  return text;
}

}  // namespace protocols::lock
