#include "tuning/successive_halving.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <numeric>
#include <thread>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "trainer/evaluation.h"
#include "trainer/model.h"
#include "tuning/quasi_random.h"
#include "tuning/time_budget.h"
#include "tuning/validation_split.h"

namespace vitrina::tuning {
namespace {


// What one trial carries from rung to rung.
struct Trial {
  trainer::Hyperparameters hyperparameters;
  std::optional<trainer::Model> model;
  int epochs_trained = 0;
  double last_score = -std::numeric_limits<double>::infinity();  // at its previous rung
  std::optional<double> seconds_per_epoch;                       // at its previous rung
  bool shortened = false;  // trained only the part of a rung the budget afforded: its last rung
};

// Trains `trial` up to `epochs` (a fresh fit on the first rung, fit_partial after) and scores it.
TrialRecord RunRung(Trial& trial, int index, int rung, int epochs, const trainer::Dataset& dataset,
                    const ValidationSplit& split, const trainer::CsrMatrix& fit_csr,
                    const trainer::CsrMatrix& validation_csr, const SearchOptions& options,
                    SearchClock& clock) {
  const double start = clock.Seconds();
  TrialRecord record{.trial = index,
                     .rung = rung,
                     .epochs = epochs,
                     .hyperparameters = trial.hyperparameters,
                     .validation_metric = std::numeric_limits<double>::quiet_NaN(),
                     .seconds = 0,
                     .error = {}};
  auto fail = [&](const absl::Status& status) {
    record.error = std::string(status.message());
    record.seconds = clock.Seconds() - start;
    trial.model.reset();
    return record;
  };
  if (!trial.model) {
    absl::StatusOr<trainer::Model> model = trainer::Model::Create(trial.hyperparameters);
    if (!model.ok()) return fail(model.status());
    trial.model = std::move(model).value();
  }
  const trainer::FitOptions fit_options{.epochs = epochs - trial.epochs_trained,
                                        .threads = 1,
                                        .on_epoch = [&clock](const trainer::EpochReport&) {
                                          clock.EpochTrained();
                                          return true;
                                        }};
  const absl::Status fitted = trial.epochs_trained == 0
                                  ? trial.model->Fit(dataset, split.fit, fit_options)
                                  : trial.model->FitPartial(dataset, split.fit, fit_options);
  if (!fitted.ok()) return fail(fitted);
  trial.epochs_trained = epochs;
  const absl::StatusOr<trainer::EvaluationSummary> summary = trainer::Evaluate(
      *trial.model, validation_csr, {.k = options.k, .train = &fit_csr, .threads = 1});
  if (!summary.ok()) return fail(summary.status());
  record.validation_metric = MetricValue(options.metric, *summary);
  record.seconds = clock.Seconds() - start;
  return record;
}

}  // namespace

absl::Status SearchOptions::Validate() const {
  RETURN_IF_ERROR(space.Validate());
  if (budget.max_trials < 1 || budget.max_trials > 100000) {
    return absl::InvalidArgumentError(
        fmt::format("search budget max_trials must be in [1, 100000] (got {})", budget.max_trials));
  }
  if (budget.max_seconds && !(std::isfinite(*budget.max_seconds) && *budget.max_seconds > 0)) {
    return absl::InvalidArgumentError(fmt::format(
        "search budget max_seconds must be finite and > 0 (got {})", *budget.max_seconds));
  }
  if (k < 1) return absl::InvalidArgumentError(fmt::format("search k must be >= 1 (got {})", k));
  if (eta < 2 || eta > 100)
    return absl::InvalidArgumentError(fmt::format("search eta must be in [2, 100] (got {})", eta));
  if (threads < 1 || threads > 256) {
    return absl::InvalidArgumentError(
        fmt::format("search threads must be in [1, 256] (got {})", threads));
  }
  if (!(validation_fraction > 0 && validation_fraction < 1)) {
    return absl::InvalidArgumentError(fmt::format(
        "search validation_fraction must be in (0, 1) (got {})", validation_fraction));
  }
  return base.Validate();
}

std::optional<size_t> PickWinner(std::span<const TrialRecord> trials,
                                 const std::vector<bool>& cut_by_time, double fewer_epochs_margin) {
  for (bool finished_only : {true, false}) {
    auto candidate = [&](const TrialRecord& record) {
      if (std::isnan(record.validation_metric)) return false;
      return !(finished_only && static_cast<size_t>(record.trial) < cut_by_time.size() &&
               cut_by_time[record.trial]);
    };
    int last_rung = 0;
    for (const TrialRecord& record : trials) {
      if (candidate(record)) last_rung = std::max(last_rung, record.rung);
    }
    auto judged = [&](const TrialRecord& record) {
      return record.rung == last_rung ? record.validation_metric
                                      : record.validation_metric / (1 + fewer_epochs_margin);
    };
    std::optional<size_t> winner;
    for (size_t i = 0; i < trials.size(); ++i) {
      if (!candidate(trials[i])) continue;
      if (!winner || judged(trials[i]) > judged(trials[*winner])) winner = i;
    }
    if (winner) return winner;
  }
  return std::nullopt;
}

std::vector<int> RungEpochs(int min_epochs, int max_epochs, int eta) {
  std::vector<int> epochs;
  if (min_epochs < 1 || max_epochs < min_epochs || eta < 2) return epochs;
  // The small tolerance keeps an exact power (36 / 4 = 3^2) from losing its last rung to rounding.
  const int extra_rungs = static_cast<int>(
      std::floor(std::log(static_cast<double>(max_epochs) / min_epochs) / std::log(eta) + 1e-9));
  for (int r = extra_rungs; r >= 0; --r) {
    const int e = std::max(
        min_epochs, static_cast<int>(std::lround(max_epochs / std::pow(static_cast<double>(eta), r))));
    if (epochs.empty() || e > epochs.back()) epochs.push_back(e);
  }
  return epochs;
}

std::vector<int> KeepTop(std::span<const double> scores, int eta) {
  return KeepBest(scores,
                  scores.empty()
                      ? 0
                      : std::max<size_t>(1, scores.size() / static_cast<size_t>(std::max(eta, 1))));
}

int PromotedCount(int measured, int eta, int threads) {
  if (measured <= 0) return 0;
  return std::max({1, measured / std::max(eta, 1), std::min(threads, measured)});
}

std::vector<int> KeepBest(std::span<const double> scores, size_t count) {
  std::vector<int> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](int i) {
    return std::isnan(scores[i]) ? -std::numeric_limits<double>::infinity() : scores[i];
  };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key(a) > key(b); });
  order.resize(std::min(count, order.size()));
  return order;
}

absl::StatusOr<SearchResult> RunSearch(const trainer::Dataset& dataset,
                                       const trainer::Interactions& train,
                                       const SearchOptions& options,
                                       const TrialCallback& on_trial) {
  RETURN_IF_ERROR(options.Validate());
  const std::shared_ptr<SearchClock> clock =
      options.clock ? options.clock : std::make_shared<SteadySearchClock>();
  const double start = clock->Seconds();
  ASSIGN_OR_RETURN(const ValidationSplit split,
                   SplitPerUser(train, options.validation_fraction, options.seed,
                                /*max_per_user=*/options.k));
  if (split.validation.size() == 0) {
    return absl::FailedPreconditionError(
        "no user has two positive interactions: nothing to carve a validation split from");
  }
  const trainer::CsrMatrix fit_csr = split.fit.ToCsr();
  const trainer::CsrMatrix validation_csr = split.validation.ToCsr();

  SearchResult result;
  result.rung_epochs =
      RungEpochs(options.space.min_epochs, options.space.max_epochs, options.eta);
  for (int32_t user = 0; user < validation_csr.rows; ++user)
    result.validation_users += validation_csr.RowSize(user) > 0 ? 1 : 0;

  const QuasiRandomPoints points(kSearchDimensions, options.seed);
  std::vector<Trial> trials(options.budget.max_trials);
  for (int t = 0; t < options.budget.max_trials; ++t) {
    // The first trial is the centre of the space (the middle of every log range): the ranges are
    // drawn around what scored well, so a budget that affords few trials starts from there.
    const std::vector<double> point =
        t == 0 ? std::vector<double>(kSearchDimensions, 0.5) : points.Point(t - 1);
    trials[t].hyperparameters = HyperparametersAt(options.space, point, options.base);
    trials[t].hyperparameters.random_state = options.seed;
  }

  std::vector<int> alive(trials.size());
  std::iota(alive.begin(), alive.end(), 0);
  std::atomic<bool> cancelled = false;
  std::atomic<bool> out_of_time = false;
  std::vector<bool> cut_by_time(trials.size(), false);  // promoted to a rung the budget refused
  std::mutex mutex;
  // The winner is refitted on all of `train`, not the fit split: its epochs cost that much more.
  const double refit_scale = static_cast<double>(train.size()) /
                             static_cast<double>(std::max<size_t>(split.fit.size(), 1));
  TimeBudget time_budget(options.budget.max_seconds.value_or(0), result.rung_epochs, options.eta,
                         options.threads, refit_scale);
  // The epochs `trial` may train to at `rung`: the rung's when the budget affords it and what it
  // commits the search to, else as many as the budget affords for this trial alone (a continuing
  // trial only; it then stops there), else none.
  auto epochs_allowed = [&](int rung, size_t slot, const Trial& trial) -> std::optional<int> {
    const int rung_epochs = result.rung_epochs[rung];
    // The very first trial runs whatever the budget, so a search always has a winner.
    if (!options.budget.max_seconds || (rung == 0 && slot == 0)) return rung_epochs;
    const std::lock_guard lock(mutex);
    const double elapsed = clock->Seconds() - start;
    const RungStart rung_start{.rung = rung,
                               .slot = static_cast<int>(slot),
                               .trial_seconds_per_epoch = trial.seconds_per_epoch};
    if (time_budget.MayStart(elapsed, rung_start)) return rung_epochs;
    return time_budget.AffordableEpochs(elapsed, rung_start, trial.epochs_trained);
  };
  int last_measured_rung = -1;
  for (int rung = 0; rung < static_cast<int>(result.rung_epochs.size()) && !alive.empty(); ++rung) {
    std::vector<std::optional<TrialRecord>> records(alive.size());
    std::atomic<size_t> next = 0;
    auto work = [&] {
      for (size_t slot = next++; slot < alive.size() && !cancelled; slot = next++) {
        Trial& trial = trials[alive[slot]];
        const std::optional<int> epochs_to = epochs_allowed(rung, slot, trial);
        if (epochs_to != result.rung_epochs[rung]) out_of_time = true;
        if (!epochs_to) return;
        trial.shortened = *epochs_to < result.rung_epochs[rung];
        const int epochs_before = trial.epochs_trained;
        TrialRecord record = RunRung(trial, alive[slot], rung, *epochs_to, dataset, split, fit_csr,
                                     validation_csr, options, *clock);
        const std::lock_guard lock(mutex);
        if (record.error.empty()) {
          const int epochs = *epochs_to - epochs_before;
          time_budget.Record(record.seconds, epochs);
          trial.seconds_per_epoch = record.seconds / epochs;
        }
        if (on_trial && !on_trial(record)) cancelled = true;
        records[slot] = std::move(record);
      }
    };
    const int n_threads = std::min<int>(options.threads, static_cast<int>(alive.size()));
    std::vector<std::thread> workers;
    for (int w = 1; w < n_threads; ++w) workers.emplace_back(work);
    work();
    for (std::thread& worker : workers) worker.join();
    if (cancelled) return absl::CancelledError("search cancelled");

    std::vector<int> measured;
    std::vector<double> scores;
    for (size_t slot = 0; slot < alive.size(); ++slot) {
      if (!records[slot]) {
        cut_by_time[alive[slot]] = true;
        continue;
      }
      measured.push_back(alive[slot]);
      scores.push_back(records[slot]->validation_metric);
      result.trials.push_back(std::move(*records[slot]));
    }
    if (measured.empty()) break;
    last_measured_rung = rung;
    if (std::all_of(scores.begin(), scores.end(), [](double x) { return std::isnan(x); }) &&
        rung == 0) {
      return absl::InternalError(fmt::format("every trial of rung {} failed; first error: {}", rung,
                                             result.trials.back().error));
    }
    // A rung cut short by the budget halves the trials it measured: the time the budget kept for
    // the later rungs is theirs.
    const std::vector<int> best = KeepBest(
        scores, PromotedCount(static_cast<int>(scores.size()), options.eta, options.threads));
    std::vector<int> promoted;
    for (int position : best) {
      const double score = scores[position];
      Trial& trial = trials[measured[position]];
      // A trial whose score fell since its previous rung has passed its best epochs (it overfits):
      // its best measurement stays a candidate, more epochs would only spend the budget.
      // A shortened trial spent what the budget had for it.
      if (!std::isnan(score) && score >= trial.last_score && !trial.shortened) {
        promoted.push_back(measured[position]);
      }
      trial.last_score = score;
    }
    for (int t : alive) {  // free the dropped trials' models
      if (std::find(promoted.begin(), promoted.end(), t) == promoted.end()) trials[t].model.reset();
    }
    alive = std::move(promoted);
  }
  if (last_measured_rung < 0) return absl::InternalError("the search measured no trial");
  const std::optional<size_t> winner = PickWinner(result.trials, cut_by_time, kFewerEpochsMargin);
  if (!winner) {
    return absl::InternalError(
        fmt::format("every trial failed; first error: {}", result.trials.front().error));
  }
  result.winner_trial = result.trials[*winner].trial;
  result.winner_epochs = result.trials[*winner].epochs;
  result.winner_validation_metric = result.trials[*winner].validation_metric;
  result.winner = trials[result.winner_trial].hyperparameters;
  result.stopped_by_time = out_of_time;
  result.seconds = clock->Seconds() - start;
  spdlog::info("search: {} measurements in {:.2f} s, winner trial {} ({} epochs, {} {:.4f})",
               result.trials.size(), result.seconds, result.winner_trial, result.winner_epochs,
               SearchMetricName(options.metric), result.winner_validation_metric);
  return result;
}

}  // namespace vitrina::tuning
