#include "experiments/experiment_analysis.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "experiments/cuped.h"
#include "experiments/sample_ratio_check.h"
#include "experiments/welch_test.h"
#include "fmt/format.h"

namespace vitrina::experiments {
namespace {

constexpr char kConsumedPerSession[] = "consumed_per_session";
constexpr char kTitlesPerSession[] = "titles_per_session";
constexpr char kConsumedSecondsPerSession[] = "consumed_seconds_per_session";
constexpr char kRecommendedTitlesConsumed[] = "recommended_titles_consumed";
constexpr char kRecommendationsRoute[] = "GetUserRecommendations";

struct UserTotals {
  int64_t sessions = 0;
  int64_t answers = 0;
  int64_t titles = 0;
  double consumed = 0;
  double seconds = 0;
};

// Nearest rank: the smallest value with at least p of the values at or below it.
double Percentile(const std::vector<int64_t>& sorted_values, double p) {
  if (sorted_values.empty()) return 0;
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted_values.size())));
  return static_cast<double>(sorted_values[std::max<size_t>(rank, 1) - 1]);
}

void FillMetric(const std::vector<double>& values, double confidence, v1::MetricSummary* summary) {
  const SampleMoments moments = MomentsOf(values);
  const MeanInterval interval = MeanConfidenceInterval(moments, confidence);
  summary->set_users(moments.n);
  summary->set_mean(moments.mean);
  summary->set_standard_deviation(std::sqrt(moments.variance));
  summary->set_ci_low(interval.low);
  summary->set_ci_high(interval.high);
}

void FillComparison(const std::string& metric, const std::string& arm, const std::string& control,
                    const std::vector<double>& arm_values, const std::vector<double>& control_values,
                    double confidence, v1::Comparison* comparison) {
  const WelchResult welch = WelchTest(MomentsOf(arm_values), MomentsOf(control_values), confidence);
  comparison->set_metric(metric);
  comparison->set_arm(arm);
  comparison->set_control(control);
  comparison->set_computable(welch.computable);
  comparison->set_note(welch.note);
  comparison->set_difference(welch.difference);
  comparison->set_difference_ci_low(welch.difference_ci_low);
  comparison->set_difference_ci_high(welch.difference_ci_high);
  comparison->set_degrees_of_freedom(welch.degrees_of_freedom);
  comparison->set_t_statistic(welch.t_statistic);
  comparison->set_p_value(welch.p_value);
  comparison->set_relative_lift(welch.relative_lift);
  comparison->set_lift_ci_low(welch.lift_ci_low);
  comparison->set_lift_ci_high(welch.lift_ci_high);
  comparison->set_significant(welch.computable && welch.p_value < 1 - confidence);
}

// What counts as one session: an id and its start name one (ids are reused: the implicit
// session's is always empty, and a client may reuse its own after EndSession); a log without
// starts falls back on the id; an answer outside any session is a session of its own.
std::string SessionKey(const v1::Exposure& exposure) {
  if (exposure.session_started_unix_micros() != 0) {
    return fmt::format("session:{}@{}", exposure.session_id(), exposure.session_started_unix_micros());
  }
  if (!exposure.session_id().empty()) return "session:" + exposure.session_id();
  return "request:" + exposure.request_id();
}

}  // namespace

void ExperimentAnalysis::Add(const v1::ExposureLogRecord& record) {
  if (record.has_exposure()) {
    const v1::Exposure& exposure = record.exposure();
    Answer answer;
    answer.time = record.time_unix_micros();
    answer.session_key = SessionKey(exposure);
    answer.titles = exposure.titles_size();
    answer.latency_micros = exposure.latency_micros();
    if (exposure.route() == kRecommendationsRoute) {
      for (const auto& title : exposure.titles()) answer.recommended_titles.push_back(title.title_id());
    }
    for (const auto& assignment : exposure.assignments()) {
      answer.arms.emplace_back(assignment.experiment(), assignment.arm());
      auto& arms = arms_[assignment.experiment()];
      auto known = std::find_if(arms.begin(), arms.end(),
                                [&](const ArmConfig& arm) { return arm.name == assignment.arm(); });
      if (known == arms.end()) known = arms.insert(arms.end(), ArmConfig{.name = assignment.arm()});
      // The latest record wins: the configuration may have been edited during the experiment.
      known->weight = assignment.arm_weight();
      known->control = assignment.control();
    }
    users_[exposure.user_id()].answers.push_back(std::move(answer));
  } else if (record.has_outcome()) {
    const v1::Outcome& outcome = record.outcome();
    users_[outcome.user_id()].outcomes.push_back(
        {record.time_unix_micros(), outcome.consumed_share(), outcome.consumed_seconds(), outcome.title_id()});
  }
}

std::vector<std::string> ExperimentAnalysis::Experiments() const {
  std::vector<std::string> names;
  for (const auto& [name, arms] : arms_) names.push_back(name);
  return names;
}

absl::StatusOr<v1::ExperimentReport> ExperimentAnalysis::Report(const AnalysisOptions& options,
                                                                const LogReadStats& read) const {
  std::string experiment = options.experiment;
  if (experiment.empty()) {
    if (arms_.size() != 1) {
      return absl::InvalidArgumentError(fmt::format(
          "experiment: the log names {} experiments ({}); name one with --experiment", arms_.size(),
          fmt::join(Experiments(), ", ")));
    }
    experiment = arms_.begin()->first;
  }
  const auto found = arms_.find(experiment);
  if (found == arms_.end()) {
    return absl::NotFoundError(fmt::format("experiment: '{}' is not in the log (it names: {})", experiment,
                                           fmt::join(Experiments(), ", ")));
  }
  if (options.lift_points < 1) {
    return absl::InvalidArgumentError(fmt::format("lift_points must be >= 1, got {}", options.lift_points));
  }

  // Arms, control first, then in first-seen order.
  std::vector<ArmConfig> arms = found->second;
  for (auto& arm : arms) {
    if (!options.control.empty()) arm.control = arm.name == options.control;
    if (const auto weight = options.weights.find(arm.name); weight != options.weights.end()) {
      arm.weight = weight->second;
    }
  }
  for (const auto& [name, weight] : options.weights) {
    if (std::none_of(arms.begin(), arms.end(), [&](const ArmConfig& arm) { return arm.name == name; })) {
      return absl::InvalidArgumentError(fmt::format("weights: experiment '{}' has no arm '{}'", experiment, name));
    }
  }
  const auto controls = std::count_if(arms.begin(), arms.end(), [](const ArmConfig& arm) { return arm.control; });
  if (controls != 1) {
    return absl::InvalidArgumentError(fmt::format(
        "control: experiment '{}' has {} arms marked as control in the log{}; name it with --control",
        experiment, controls, options.control.empty() ? "" : fmt::format(" and no arm '{}'", options.control)));
  }
  std::stable_partition(arms.begin(), arms.end(), [](const ArmConfig& arm) { return arm.control; });
  std::map<std::string, size_t> arm_index;
  for (size_t i = 0; i < arms.size(); ++i) arm_index[arms[i].name] = i;

  // Each user's arm and first answer in the experiment.
  struct Member {
    const UserLog* log;
    size_t arm;
    int64_t first_time;
  };
  std::vector<Member> members;
  int64_t users_in_several_arms = 0;
  int64_t start = std::numeric_limits<int64_t>::max();
  int64_t end = std::numeric_limits<int64_t>::min();
  for (const auto& [user_id, log] : users_) {
    std::set<std::string> user_arms;
    int64_t first_time = std::numeric_limits<int64_t>::max();
    int64_t last_time = std::numeric_limits<int64_t>::min();
    for (const auto& answer : log.answers) {
      for (const auto& [name, arm] : answer.arms) {
        if (name != experiment) continue;
        user_arms.insert(arm);
        first_time = std::min(first_time, answer.time);
        last_time = std::max(last_time, answer.time);
      }
    }
    if (user_arms.empty()) continue;
    if (user_arms.size() > 1) {
      ++users_in_several_arms;
      continue;
    }
    members.push_back({&log, arm_index.at(*user_arms.begin()), first_time});
    start = std::min(start, first_time);
    end = std::max(end, last_time);
    for (const auto& outcome : log.outcomes) {
      if (outcome.time >= first_time) end = std::max(end, outcome.time);
    }
  }
  if (members.empty()) {
    return absl::NotFoundError(fmt::format("experiment '{}': no user belongs to exactly one arm", experiment));
  }

  auto in_experiment = [&](const Answer& answer) {
    return std::any_of(answer.arms.begin(), answer.arms.end(),
                       [&](const auto& assignment) { return assignment.first == experiment; });
  };
  auto totals_until = [&](const Member& member, int64_t cutoff) {
    UserTotals totals;
    std::set<std::string_view> sessions;
    for (const auto& answer : member.log->answers) {
      if (answer.time > cutoff || !in_experiment(answer)) continue;
      sessions.insert(answer.session_key);
      ++totals.answers;
      totals.titles += answer.titles;
    }
    for (const auto& outcome : member.log->outcomes) {
      if (outcome.time < member.first_time || outcome.time > cutoff) continue;
      totals.consumed += outcome.share;
      totals.seconds += outcome.seconds;
    }
    totals.sessions = static_cast<int64_t>(sessions.size());
    return totals;
  };
  // Shown by GetUserRecommendations answers of the experiment and consumed within the window;
  // nullopt for a user without such answers.
  auto recommended_consumed_share = [&](const Member& member) -> std::optional<double> {
    int64_t shown = 0;
    int64_t consumed = 0;
    for (const auto& answer : member.log->answers) {
      if (answer.recommended_titles.empty() || !in_experiment(answer)) continue;
      for (int64_t title : answer.recommended_titles) {
        ++shown;
        consumed += std::any_of(member.log->outcomes.begin(), member.log->outcomes.end(), [&](const Consumption& o) {
          return o.title_id == title && o.share > 0 && o.time > answer.time &&
                 o.time <= answer.time + options.consumption_window_micros;
        });
      }
    }
    if (shown == 0) return std::nullopt;
    return static_cast<double>(consumed) / static_cast<double>(shown);
  };
  auto pre_experiment_value = [&](const Member& member) -> std::optional<double> {
    std::set<std::string_view> sessions;
    double consumed = 0;
    for (const auto& answer : member.log->answers) {
      if (answer.time < start) sessions.insert(answer.session_key);
    }
    for (const auto& outcome : member.log->outcomes) {
      if (outcome.time < start) consumed += outcome.share;
    }
    if (sessions.empty()) return std::nullopt;
    return consumed / static_cast<double>(sessions.size());
  };

  v1::ExperimentReport report;
  report.set_experiment(experiment);
  report.set_start_unix_micros(start);
  report.set_end_unix_micros(end);
  auto* log_summary = report.mutable_log();
  log_summary->set_files(read.files);
  log_summary->set_records(read.records);
  log_summary->set_torn_tail_bytes(read.torn_tail_bytes);
  log_summary->set_corrupt_bytes(read.corrupt_bytes);
  log_summary->set_users_in_several_arms(users_in_several_arms);

  // Per-user values of each metric, per arm.
  const size_t arm_count = arms.size();
  std::vector<std::vector<double>> titles(arm_count), consumed(arm_count), seconds(arm_count),
      recommended(arm_count);
  std::vector<std::vector<int64_t>> latencies(arm_count);
  std::vector<UserTotals> arm_totals(arm_count);
  std::vector<double> all_consumed;
  std::vector<std::optional<double>> all_covariates;
  std::vector<size_t> all_arms;
  bool any_seconds = false;
  for (const auto& member : members) {
    const UserTotals totals = totals_until(member, end);
    const double sessions = static_cast<double>(totals.sessions);
    titles[member.arm].push_back(static_cast<double>(totals.titles) / sessions);
    consumed[member.arm].push_back(totals.consumed / sessions);
    seconds[member.arm].push_back(totals.seconds / sessions);
    any_seconds = any_seconds || totals.seconds != 0;
    UserTotals& sum = arm_totals[member.arm];
    sum.sessions += totals.sessions;
    sum.answers += totals.answers;
    sum.titles += totals.titles;
    for (const auto& answer : member.log->answers) {
      if (in_experiment(answer)) latencies[member.arm].push_back(answer.latency_micros);
    }
    if (const auto share = recommended_consumed_share(member)) recommended[member.arm].push_back(*share);
    all_consumed.push_back(totals.consumed / sessions);
    all_covariates.push_back(pre_experiment_value(member));
    all_arms.push_back(member.arm);
  }

  const bool any_recommendations =
      std::any_of(recommended.begin(), recommended.end(), [](const auto& values) { return !values.empty(); });
  std::vector<int64_t> observed_users;
  std::vector<double> weights;
  for (size_t a = 0; a < arm_count; ++a) {
    auto* arm = report.add_arms();
    arm->set_arm(arms[a].name);
    arm->set_weight(arms[a].weight);
    arm->set_control(arms[a].control);
    arm->set_users(static_cast<int64_t>(consumed[a].size()));
    arm->set_sessions(arm_totals[a].sessions);
    arm->set_answers(arm_totals[a].answers);
    arm->set_titles_shown(arm_totals[a].titles);
    FillMetric(titles[a], options.confidence, arm->mutable_titles_per_session());
    FillMetric(consumed[a], options.confidence, arm->mutable_consumed_per_session());
    if (any_seconds) FillMetric(seconds[a], options.confidence, arm->mutable_consumed_seconds_per_session());
    if (any_recommendations) {
      FillMetric(recommended[a], options.confidence, arm->mutable_recommended_titles_consumed());
    }
    auto& arm_latencies = latencies[a];
    std::sort(arm_latencies.begin(), arm_latencies.end());
    auto* latency = arm->mutable_latency();
    latency->set_answers(static_cast<int64_t>(arm_latencies.size()));
    double latency_sum = 0;
    for (int64_t value : arm_latencies) latency_sum += static_cast<double>(value);
    if (!arm_latencies.empty()) latency->set_mean_ms(latency_sum / static_cast<double>(arm_latencies.size()) / 1000);
    latency->set_p50_ms(Percentile(arm_latencies, 0.50) / 1000);
    latency->set_p95_ms(Percentile(arm_latencies, 0.95) / 1000);
    latency->set_p99_ms(Percentile(arm_latencies, 0.99) / 1000);
    observed_users.push_back(static_cast<int64_t>(consumed[a].size()));
    weights.push_back(arms[a].weight);
  }

  for (size_t a = 1; a < arm_count; ++a) {
    FillComparison(kConsumedPerSession, arms[a].name, arms[0].name, consumed[a], consumed[0], options.confidence,
                   report.add_comparisons());
    FillComparison(kTitlesPerSession, arms[a].name, arms[0].name, titles[a], titles[0], options.confidence,
                   report.add_comparisons());
    if (any_recommendations) {
      FillComparison(kRecommendedTitlesConsumed, arms[a].name, arms[0].name, recommended[a], recommended[0],
                     options.confidence, report.add_comparisons());
    }
    if (any_seconds) {
      FillComparison(kConsumedSecondsPerSession, arms[a].name, arms[0].name, seconds[a], seconds[0],
                     options.confidence, report.add_comparisons());
    }
  }

  auto* cuped = report.mutable_cuped();
  cuped->set_metric(kConsumedPerSession);
  cuped->set_covariate("the user's consumed per session before the experiment started");
  const CupedAdjustment adjustment = AdjustWithCuped(all_consumed, all_covariates);
  cuped->set_users_with_covariate(adjustment.users_with_covariate);
  if (adjustment.applied) {
    cuped->set_theta(adjustment.theta);
    cuped->set_variance_reduction(adjustment.variance_reduction);
    std::vector<std::vector<double>> adjusted(arm_count);
    for (size_t i = 0; i < all_arms.size(); ++i) adjusted[all_arms[i]].push_back(adjustment.adjusted[i]);
    for (size_t a = 1; a < arm_count; ++a) {
      FillComparison(kConsumedPerSession, arms[a].name, arms[0].name, adjusted[a], adjusted[0], options.confidence,
                     cuped->add_comparisons());
    }
  } else {
    cuped->set_note(fmt::format("not applied: {} users have a pre-experiment value (needs 2 with some variance)",
                                adjustment.users_with_covariate));
  }

  const SampleRatioResult ratio = CheckSampleRatio(observed_users, weights);
  auto* sample_ratio = report.mutable_sample_ratio();
  for (size_t a = 0; a < arm_count; ++a) {
    sample_ratio->add_arms(arms[a].name);
    sample_ratio->add_observed_users(observed_users[a]);
    sample_ratio->add_expected_users(ratio.expected[a]);
  }
  sample_ratio->set_chi_square(ratio.chi_square);
  sample_ratio->set_degrees_of_freedom(ratio.degrees_of_freedom);
  sample_ratio->set_p_value(ratio.p_value);
  sample_ratio->set_mismatch(ratio.mismatch);

  // Cumulative lift of consumed per session at evenly spaced times up to the end.
  for (int point = 1; point <= options.lift_points; ++point) {
    const int64_t cutoff = start + (end - start) * point / options.lift_points;
    std::vector<std::vector<double>> values(arm_count);
    for (const auto& member : members) {
      if (member.first_time > cutoff) continue;
      const UserTotals totals = totals_until(member, cutoff);
      values[member.arm].push_back(totals.consumed / static_cast<double>(totals.sessions));
    }
    for (size_t a = 1; a < arm_count; ++a) {
      const WelchResult welch = WelchTest(MomentsOf(values[a]), MomentsOf(values[0]), options.confidence);
      auto* lift = report.add_lift_over_time();
      lift->set_time_unix_micros(cutoff);
      lift->set_arm(arms[a].name);
      lift->set_metric(kConsumedPerSession);
      lift->set_arm_users(static_cast<int64_t>(values[a].size()));
      lift->set_control_users(static_cast<int64_t>(values[0].size()));
      lift->set_computable(welch.lift_computable);
      lift->set_relative_lift(welch.relative_lift);
      lift->set_lift_ci_low(welch.lift_ci_low);
      lift->set_lift_ci_high(welch.lift_ci_high);
    }
  }
  return report;
}

}  // namespace vitrina::experiments
