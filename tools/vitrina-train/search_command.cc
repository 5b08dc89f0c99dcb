#include "tools/vitrina-train/search_command.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "trainer/evaluation.h"
#include "trainer/model_file.h"
#include "trainer/train_test_set.h"
#include "trainer/triplet_file.h"
#include "tuning/refit_deadline.h"
#include "tuning/search_clock.h"
#include "tuning/search_space.h"
#include "tuning/successive_halving.h"
#include "tuning/time_budget.h"
#include "tuning/winner_training.h"

namespace vitrina::tools {
namespace {

template <typename T>
absl::Status CheckPair(std::string_view flag, const std::vector<T>& values) {
  if (values.size() != 2) {
    return absl::InvalidArgumentError(
        fmt::format("{} takes two values, MIN MAX (got {})", flag, values.size()));
  }
  return absl::OkStatus();
}

absl::StatusOr<tuning::SearchOptions> SearchOptionsFromFlags(const TrainFlags& flags) {
  tuning::SearchOptions options;
  options.base = flags.hyperparameters;
  options.space.losses.clear();
  for (const std::string& name : flags.search_losses) {
    ASSIGN_OR_RETURN(const trainer::LossKind loss, trainer::ParseLoss(name));
    options.space.losses.push_back(loss);
  }
  RETURN_IF_ERROR(CheckPair("--search-components", flags.search_components));
  options.space.min_components = flags.search_components[0];
  options.space.max_components = flags.search_components[1];
  RETURN_IF_ERROR(CheckPair("--search-epochs", flags.search_epochs));
  options.space.min_epochs = flags.search_epochs[0];
  options.space.max_epochs = flags.search_epochs[1];
  if (!flags.search_learning_rate.empty()) {
    RETURN_IF_ERROR(CheckPair("--search-learning-rate", flags.search_learning_rate));
    options.space.learning_rate =
        tuning::LogRange{flags.search_learning_rate[0], flags.search_learning_rate[1]};
  }
  RETURN_IF_ERROR(CheckPair("--search-alpha", flags.search_alpha));
  options.space.alpha = {flags.search_alpha[0], flags.search_alpha[1]};
  options.space.zero_alpha_probability = flags.search_zero_alpha;
  RETURN_IF_ERROR(CheckPair("--search-max-sampled", flags.search_max_sampled));
  options.space.min_max_sampled = flags.search_max_sampled[0];
  options.space.max_max_sampled = flags.search_max_sampled[1];
  options.budget = {.max_trials = flags.search_trials, .max_seconds = flags.search_seconds};
  ASSIGN_OR_RETURN(options.metric, tuning::ParseSearchMetric(flags.search_metric));
  options.k = flags.k;
  options.eta = flags.search_eta;
  options.threads = flags.threads;
  options.seed = flags.hyperparameters.random_state;
  options.validation_fraction = flags.search_validation_fraction;
  RETURN_IF_ERROR(options.Validate());
  return options;
}

// "precision@10" rather than "precision@k".
std::string MetricLabel(tuning::SearchMetric metric, int k) {
  switch (metric) {
    case tuning::SearchMetric::kPrecisionAtK:
      return fmt::format("precision@{}", k);
    case tuning::SearchMetric::kRecallAtK:
      return fmt::format("recall@{}", k);
    default:
      return std::string(tuning::SearchMetricName(metric));
  }
}

}  // namespace

absl::Status RunSearchCommand(const TrainFlags& flags) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  ASSIGN_OR_RETURN(const tuning::SearchOptions options, SearchOptionsFromFlags(flags));
  const bool has_test = !flags.test_path.empty() || flags.test_fraction.has_value();
  if (flags.metrics_json && !has_test)
    return absl::InvalidArgumentError("--metrics-json needs --test or --test-fraction");
  const trainer::TrainTestOptions row_options{.min_rating = flags.min_rating,
                                              .value_is_weight = flags.weights};

  // The search sees the training file only: its dataset is built without the test file's ids, and
  // the test file is read after the search is over.
  ASSIGN_OR_RETURN(const std::vector<trainer::TripletRow> train_rows,
                   trainer::ReadTripletFile(flags.train_path));
  ASSIGN_OR_RETURN(trainer::TrainTestSet search_data,
                   trainer::BuildTrainTestSet(train_rows, {}, row_options));
  if (flags.test_fraction) {
    ASSIGN_OR_RETURN(std::tie(search_data.train, search_data.test),
                     trainer::RandomTrainTestSplit(search_data.train, *flags.test_fraction,
                                                   options.seed));
  }
  if (search_data.train.size() == 0)
    return absl::InvalidArgumentError("no training interactions left after filtering");

  // Trial lines are results too, but with --metrics-json stdout carries the JSON object alone.
  FILE* trial_stream = flags.metrics_json ? stderr : stdout;
  // --search-seconds bounds the whole run: what reading the files took is no longer the search's.
  tuning::SearchOptions timed_options = options;
  if (options.budget.max_seconds) {
    timed_options.budget.max_seconds =
        std::max(1e-9, *options.budget.max_seconds -
                           std::chrono::duration<double>(Clock::now() - start).count());
  }
  const std::string metric_label = MetricLabel(options.metric, options.k);
  ASSIGN_OR_RETURN(
      const tuning::SearchResult search,
      tuning::RunSearch(search_data.dataset, search_data.train, timed_options,
                        [&](const tuning::TrialRecord& record) {
                          fmt::print(trial_stream, "trial {:3} rung {} epochs {:3}  {}  {} {}  {:.3f} s\n",
                                     record.trial, record.rung, record.epochs,
                                     tuning::DescribeSearchedParameters(record.hyperparameters),
                                     metric_label,
                                     record.error.empty() ? fmt::format("{:.4f}", record.validation_metric)
                                                          : "failed: " + record.error,
                                     record.seconds);
                          std::fflush(trial_stream);
                          return true;
                        }));
  fmt::print(trial_stream,
             "winner: trial {}  {} epochs={}  validation {} {:.4f}  ({} measurements of {} trials, "
             "rungs {}, {} validation users, {:.2f} s{})\n",
             search.winner_trial, tuning::DescribeSearchedParameters(search.winner),
             search.winner_epochs, metric_label, search.winner_validation_metric,
             search.trials.size(), flags.search_trials, fmt::join(search.rung_epochs, "/"),
             search.validation_users, search.seconds,
             search.stopped_by_time ? ", stopped by --search-seconds" : "");

  trainer::TrainTestSet final_data = std::move(search_data);
  if (!flags.test_path.empty()) {
    ASSIGN_OR_RETURN(const std::vector<trainer::TripletRow> test_rows,
                     trainer::ReadTripletFile(flags.test_path));
    ASSIGN_OR_RETURN(final_data, trainer::BuildTrainTestSet(train_rows, test_rows, row_options));
  }
  const Clock::time_point refit_start = Clock::now();
  // --search-seconds bounds the refit too (tuning/refit_deadline.h), by the share of the budget
  // the search planned for: what follows, the test evaluation and the exit, is not estimated.
  const tuning::SteadySearchClock clock;
  std::optional<tuning::RefitDeadline> refit_deadline;
  if (options.budget.max_seconds) {
    const double process_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    refit_deadline.emplace(clock, clock.Seconds() - process_seconds +
                                      tuning::TimeBudget::kPlannedShare * *options.budget.max_seconds);
  }
  ASSIGN_OR_RETURN(const tuning::TrainedWinner refit,
                   tuning::TrainWinner(search, final_data.dataset, final_data.train,
                                       {.threads = flags.threads},
                                       [&](const trainer::EpochReport& report) {
                                         return !refit_deadline || refit_deadline->MayContinue(report.epoch + 1);
                                       }));
  const double refit_seconds = std::chrono::duration<double>(Clock::now() - refit_start).count();
  if (refit.epochs < search.winner_epochs) {
    spdlog::warn("the winner's refit stopped after {} of its {} epochs: --search-seconds ({} s) ran out",
                 refit.epochs, search.winner_epochs, *options.budget.max_seconds);
  }
  const trainer::Model& model = refit.model;
  if (!flags.output.empty()) {
    ASSIGN_OR_RETURN(const trainer::ModelFileInfo info, trainer::SaveModel(model, flags.output));
    spdlog::info("wrote {} ({} bytes, crc32 {})", flags.output, info.size_bytes, info.checksum_hex);
  }
  if (!has_test) {
    fmt::print("trained the winner on all {} training interactions in {:.3f} s\n",
               final_data.train.size(), refit_seconds);
    return absl::OkStatus();
  }
  const trainer::CsrMatrix train = final_data.train.ToCsr();
  const trainer::CsrMatrix test = final_data.test.ToCsr();
  ASSIGN_OR_RETURN(
      const trainer::EvaluationSummary summary,
      trainer::Evaluate(model, test, {.k = flags.k, .train = &train, .threads = flags.threads}));
  const double total_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (flags.metrics_json) {
    fmt::print(
        "{{\"precision_at_k\": {:.6f}, \"recall_at_k\": {:.6f}, \"auc\": {:.6f}, "
        "\"reciprocal_rank\": {:.6f}, \"k\": {}, \"loss\": \"{}\", \"no_components\": {}, "
        "\"learning_rate\": {:.6g}, \"item_alpha\": {:.6g}, \"user_alpha\": {:.6g}, "
        "\"max_sampled\": {}, \"epochs\": {}, \"validation_metric\": {:.6f}, "
        "\"measurements\": {}, \"search_seconds\": {:.6f}, \"refit_seconds\": {:.6f}, "
        "\"total_seconds\": {:.6f}}}\n",
        summary.precision_at_k, summary.recall_at_k, summary.auc, summary.reciprocal_rank,
        flags.k, trainer::LossName(search.winner.loss), search.winner.no_components,
        search.winner.learning_rate, search.winner.item_alpha, search.winner.user_alpha,
        search.winner.max_sampled, refit.epochs, search.winner_validation_metric,
        search.trials.size(), search.seconds, refit_seconds, total_seconds);
  } else {
    fmt::print("test: P@{k} {:.4f}  R@{k} {:.4f}  AUC {:.4f}  RR {:.4f}  ({} users evaluated)\n",
               summary.precision_at_k, summary.recall_at_k, summary.auc, summary.reciprocal_rank,
               summary.users, fmt::arg("k", flags.k));
    fmt::print("search {:.3f} s, winner refit {:.3f} s, {:.3f} s in all\n", search.seconds,
               refit_seconds, total_seconds);
  }
  return absl::OkStatus();
}

}  // namespace vitrina::tools
