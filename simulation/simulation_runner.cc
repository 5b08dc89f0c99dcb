#include "simulation/simulation_runner.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <utility>

#include "fmt/format.h"
#include "simulation/next_title_client.h"

namespace vitrina::simulation {
namespace {

using Clock = std::chrono::steady_clock;

struct SessionOutcome {
  enum class State { kNotRun, kCompleted, kFailed } state = State::kNotRun;
  double consumed = 0;
  int titles = 0;
  std::vector<double> next_ms;
  std::map<std::string, std::string> experiments;
  std::string error;
};

SessionOutcome PlaySession(const Catalog& catalog, const RunOptions& options,
                           const SessionPlan& plan, NextTitleClient& client,
                           Clock::time_point deadline) {
  SessionOutcome outcome;
  Listener listener(catalog, options.model, plan, options.seed);
  int64_t previous = plan.start_title;
  double share = listener.start_share();
  auto fail = [&](const absl::Status& status) {
    outcome.state = SessionOutcome::State::kFailed;
    outcome.error = fmt::format("session {} (user {}): {}", plan.index, plan.user,
                                std::string(status.message()));
    return outcome;
  };
  while (!listener.Over()) {
    if (Clock::now() >= deadline) return outcome;  // not run: the time limit cut it
    const Clock::time_point start = Clock::now();
    absl::StatusOr<NextAnswer> answer = client.Next(plan.user, previous, share);
    outcome.next_ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!answer.ok()) return fail(answer.status());
    if (outcome.titles == 0) outcome.experiments = answer->experiments;
    absl::StatusOr<double> played = listener.Play(answer->track);
    if (!played.ok()) {
      return fail(absl::InvalidArgumentError(
          fmt::format("/next answered {}", std::string(played.status().message()))));
    }
    previous = answer->track;
    share = *played;
    outcome.titles = listener.titles_played();
  }
  if (absl::Status status = client.Last(plan.user, previous, share); !status.ok()) {
    return fail(status);
  }
  outcome.state = SessionOutcome::State::kCompleted;
  outcome.consumed = listener.consumed_total();
  return outcome;
}

SessionGroup Summarize(const std::vector<const SessionOutcome*>& sessions) {
  SessionGroup group;
  std::vector<double> consumed;
  std::vector<double> next_ms;
  double titles = 0;
  for (const SessionOutcome* session : sessions) {
    consumed.push_back(session->consumed);
    titles += session->titles;
    next_ms.insert(next_ms.end(), session->next_ms.begin(), session->next_ms.end());
  }
  group.consumed = MeanWithConfidence(consumed, 0.95);
  group.titles_per_session = sessions.empty() ? 0 : titles / static_cast<double>(sessions.size());
  group.next_calls = static_cast<int64_t>(next_ms.size());
  group.next_p50_ms = NearestRankPercentile(next_ms, 0.5);
  group.next_p99_ms = NearestRankPercentile(next_ms, 0.99);
  return group;
}

PolicyResult RunPolicy(const Catalog& catalog, const RunOptions& options, const std::string& policy,
                       Clock::time_point deadline) {
  const size_t workers = std::min<size_t>(options.concurrency, options.users);
  std::vector<std::vector<SessionPlan>> queues(workers);
  for (int64_t i = 0; i < options.sessions_per_policy; ++i) {
    SessionPlan plan = PlanSession(catalog, options.seed, options.users, i);
    queues[plan.user_index % workers].push_back(plan);
  }
  std::vector<SessionOutcome> outcomes(options.sessions_per_policy);
  std::vector<std::thread> threads;
  for (const std::vector<SessionPlan>& queue : queues) {
    threads.emplace_back([&catalog, &options, &policy, &outcomes, &queue, deadline] {
      NextTitleClient client(options.target, policy, options.call_timeout_seconds);
      for (const SessionPlan& plan : queue) {
        outcomes[plan.index] = PlaySession(catalog, options, plan, client, deadline);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  PolicyResult result;
  result.policy = policy;
  std::vector<const SessionOutcome*> completed;
  std::map<std::pair<std::string, std::string>, std::vector<const SessionOutcome*>> arms;
  for (const SessionOutcome& outcome : outcomes) {
    switch (outcome.state) {
      case SessionOutcome::State::kNotRun: ++result.sessions_not_run; break;
      case SessionOutcome::State::kFailed:
        if (result.sessions_failed++ == 0) result.first_error = outcome.error;
        break;
      case SessionOutcome::State::kCompleted:
        completed.push_back(&outcome);
        for (const auto& [experiment, arm] : outcome.experiments) {
          arms[{experiment, arm}].push_back(&outcome);
        }
        break;
    }
  }
  result.sessions_completed = static_cast<int64_t>(completed.size());
  result.groups.push_back(Summarize(completed));
  for (const auto& [key, sessions] : arms) {
    SessionGroup group = Summarize(sessions);
    group.experiment = key.first;
    group.arm = key.second;
    result.groups.push_back(std::move(group));
  }
  return result;
}

}  // namespace

absl::Status ValidatePolicyName(const std::string& name) {
  const bool ok = !name.empty() && name.size() <= 64 &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':';
                  });
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format(
      "--policies: '{}' is not a policy name (1-64 letters, digits, '_', '-', '.', ':')", name));
}

absl::Status RunOptions::Validate(const Catalog& catalog) const {
  if (policies.empty()) return absl::InvalidArgumentError("--policies: no policy to run");
  // A lone empty name is the server's default policy; inside a list it is a typo ("a,,b").
  if (policies != std::vector<std::string>{""}) {
    for (const std::string& policy : policies) {
      if (absl::Status status = ValidatePolicyName(policy); !status.ok()) return status;
    }
  }
  if (sessions_per_policy < 1 || sessions_per_policy > 10'000'000) {
    return absl::InvalidArgumentError("--sessions must be in [1, 10000000]");
  }
  if (users < 1 || users > catalog.users().size()) {
    return absl::InvalidArgumentError(fmt::format(
        "--users must be in [1, {}] (the catalog's users)", catalog.users().size()));
  }
  if (model.max_session_length < 1 || model.max_session_length > 10000) {
    return absl::InvalidArgumentError("--max-session-length must be in [1, 10000]");
  }
  if (concurrency < 1 || concurrency > 256) {
    return absl::InvalidArgumentError("--concurrency must be in [1, 256]");
  }
  if (!(max_seconds > 0 && max_seconds <= 7 * 86400)) {
    return absl::InvalidArgumentError("--max-seconds must be in (0, 604800]");
  }
  if (!(call_timeout_seconds > 0 && call_timeout_seconds <= 3600)) {
    return absl::InvalidArgumentError("--call-timeout must be in (0, 3600]");
  }
  return model.Validate();
}

int64_t RunReport::FailedCalls() const {
  int64_t failed = 0;
  for (const PolicyResult& policy : policies) failed += policy.sessions_failed;
  return failed;
}

std::string RunReport::FirstError() const {
  for (const PolicyResult& policy : policies) {
    if (!policy.first_error.empty()) return policy.first_error;
  }
  return "";
}

RunReport RunSimulation(const Catalog& catalog, const RunOptions& options) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(options.max_seconds));
  RunReport report;
  for (const std::string& policy : options.policies) {
    report.policies.push_back(RunPolicy(catalog, options, policy, deadline));
    if (report.policies.back().sessions_not_run > 0) report.time_limit_reached = true;
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace vitrina::simulation
