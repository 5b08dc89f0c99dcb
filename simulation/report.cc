#include "simulation/report.h"

#include "fmt/format.h"

namespace vitrina::simulation {
namespace {

std::string PolicyLabel(const std::string& policy) {
  return policy.empty() ? "(default)" : policy;
}

std::string Interval(const MeanInterval& interval) {
  if (!interval.half_width) return fmt::format("{:.3f} [n/a]", interval.mean);
  return fmt::format("{:.3f} [{:.3f}, {:.3f}]", interval.mean, interval.Low(), interval.High());
}

// ASCII-only JSON string: a server's error body can hold any byte, and the output must stay JSON.
std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte >= 0x7F) {
      out += fmt::format("\\u{:04x}", byte < 0x80 ? byte : 0xFFFD);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Number(double value) { return fmt::format("{:.6g}", value); }

std::string GroupJson(const SessionGroup& group) {
  const MeanInterval& consumed = group.consumed;
  return fmt::format(
      R"("sessions": {}, "consumed_per_session": {{"mean": {}, "ci95_low": {}, "ci95_high": {}}}, )"
      R"("titles_per_session": {}, "next_calls": {}, "next_p50_ms": {}, "next_p99_ms": {})",
      consumed.n, Number(consumed.mean),
      consumed.half_width ? Number(consumed.Low()) : "null",
      consumed.half_width ? Number(consumed.High()) : "null", Number(group.titles_per_session),
      group.next_calls, Number(group.next_p50_ms), Number(group.next_p99_ms));
}

}  // namespace

std::string FormatReportTable(const RunReport& report, const RunOptions& options) {
  std::string out = fmt::format(
      "{} sessions per policy, seed {}, {} users, {} connection(s), {:.1f} s\n"
      "consumed = consumed time per session (sum of the answered titles' shares), mean [95% "
      "t-interval, unit = session]\n",
      options.sessions_per_policy, options.seed, options.users, options.concurrency,
      report.seconds);
  out += fmt::format("{:<28} {:>8} {:>28} {:>14} {:>12} {:>12} {:>7} {:>7}\n", "policy", "sessions",
                     "consumed/session", "titles/session", "next p50 ms", "next p99 ms",
                     "failed", "not run");
  for (const PolicyResult& policy : report.policies) {
    for (const SessionGroup& group : policy.groups) {
      const bool whole = group.experiment.empty();
      const std::string label =
          whole ? PolicyLabel(policy.policy) : fmt::format("  {}={}", group.experiment, group.arm);
      out += fmt::format("{:<28} {:>8} {:>28} {:>14.2f} {:>12.3f} {:>12.3f} {:>7} {:>7}\n", label,
                         group.consumed.n, Interval(group.consumed), group.titles_per_session,
                         group.next_p50_ms, group.next_p99_ms,
                         whole ? fmt::format("{}", policy.sessions_failed) : "",
                         whole ? fmt::format("{}", policy.sessions_not_run) : "");
    }
  }
  return out;
}

std::string FormatReportJson(const RunReport& report, const RunOptions& options) {
  std::string policies;
  for (const PolicyResult& policy : report.policies) {
    std::string arms;
    for (size_t g = 1; g < policy.groups.size(); ++g) {
      if (!arms.empty()) arms += ", ";
      arms += fmt::format(R"({{"experiment": {}, "arm": {}, {}}})", Quote(policy.groups[g].experiment),
                          Quote(policy.groups[g].arm), GroupJson(policy.groups[g]));
    }
    if (!policies.empty()) policies += ",\n  ";
    policies += fmt::format(
        R"({{"policy": {}, {}, "failed": {}, "not_run": {}, "first_error": {}, "arms": [{}]}})",
        policy.policy.empty() ? "null" : Quote(policy.policy), GroupJson(policy.groups.front()),
        policy.sessions_failed, policy.sessions_not_run,
        policy.first_error.empty() ? "null" : Quote(policy.first_error), arms);
  }
  return fmt::format(
      "{{\"sessions_per_policy\": {}, \"seed\": {}, \"users\": {}, \"concurrency\": {}, "
      "\"interval\": \"95% t-interval of the mean, one value per session\", \"seconds\": {}, "
      "\"time_limit_reached\": {}, \"failed_calls\": {},\n \"policies\": [\n  {}]}}\n",
      options.sessions_per_policy, options.seed, options.users, options.concurrency,
      Number(report.seconds), report.time_limit_reached, report.FailedCalls(), policies);
}

}  // namespace vitrina::simulation
