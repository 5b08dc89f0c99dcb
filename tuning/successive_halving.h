#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "trainer/dataset.h"
#include "trainer/hyperparameters.h"
#include "trainer/interactions.h"
#include "tuning/search_clock.h"
#include "tuning/search_metric.h"
#include "tuning/search_space.h"

namespace vitrina::tuning {

// The search stops at whichever comes first. max_seconds covers the search and the winner's refit
// on all the training data: before a trial starts a rung, the rung, the later rungs it commits the
// search to and the refit are estimated from the dearest epoch measured so far (TimeBudget), and
// the trial starts only if they end within the budget; a continuing trial that may not then trains
// as many of the rung's epochs as the budget affords it (TimeBudget::AffordableEpochs) and stops
// there. The first trial always runs.
struct SearchBudget {
  // 5 trials (9 epochs each, the best continued to 27) and the winner's refit cost five to eight
  // default trainings on ml-100k (WARP d 30, 30 epochs; bench/README.md): max_seconds is the bound
  // to set when the time matters.
  int max_trials = 5;
  std::optional<double> max_seconds;
};

struct SearchOptions {
  SearchSpace space;
  SearchBudget budget;
  SearchMetric metric = SearchMetric::kPrecisionAtK;
  int k = 10;    // cut-off of precision@k and recall@k
  int eta = 3;   // each rung keeps the best 1/eta of its trials and trains them eta times longer
  int threads = 1;  // trials trained at once (each on one thread)
  uint64_t seed = 0;  // sampling, validation split and every trial's random_state
  // Of each user's training positives, this share is held out for validation, at most k of them:
  // a user with many more held-out items than k scores a high precision@k under any model that
  // ranks popular titles first, so uncapped heavy users made the validation prefer under-trained,
  // popularity-led models (ml-100k: the split's precision@10 peaked at 9 epochs where ua.test's
  // peaked at 18-27; capped at 10, at 18-27 too).
  double validation_fraction = 0.2;
  // Everything the space does not choose (learning schedule, k-OS's k and n, ...).
  trainer::Hyperparameters base;
  // What trials and the budget are timed with; nullptr reads std::chrono::steady_clock.
  std::shared_ptr<SearchClock> clock;

  absl::Status Validate() const;
};

// One trial measured at one rung.
struct TrialRecord {
  int trial = 0;
  int rung = 0;
  int epochs = 0;  // total epochs trained when measured
  trainer::Hyperparameters hyperparameters;
  double validation_metric = 0;  // NaN when the trial failed
  double seconds = 0;            // this rung's training and evaluation
  std::string error;             // why the trial failed; empty when it did not
};

struct SearchResult {
  std::vector<TrialRecord> trials;  // every measurement, by rung then trial
  std::vector<int> rung_epochs;
  int winner_trial = 0;
  trainer::Hyperparameters winner;  // random_state is the search's seed
  int winner_epochs = 0;
  double winner_validation_metric = 0;
  int validation_users = 0;
  double seconds = 0;
  bool stopped_by_time = false;
};

// Called once per measurement as trials finish (serialised; from the worker threads). Returning
// false cancels the search (CancelledError).
using TrialCallback = std::function<bool(const TrialRecord&)>;

// Successive halving over quasi-random samples of the space: every trial trains the first rung's
// epochs on `train` minus a per-user validation split carved from it (SplitPerUser) and is scored
// there; the best 1/eta continue (fit_partial: a rung costs only its extra epochs) to the next
// rung, up to the space's max_epochs; a trial whose score fell since its previous rung is not
// continued. The winner is the best measurement of any rung, with the epochs it was measured at.
// Only `train` is read: the caller's test interactions never reach the search.
absl::StatusOr<SearchResult> RunSearch(const trainer::Dataset& dataset,
                                       const trainer::Interactions& train,
                                       const SearchOptions& options,
                                       const TrialCallback& on_trial = nullptr);

// The rung schedule: max_epochs, max_epochs / eta, max_epochs / eta^2, ... (rounded) down to
// min_epochs, in increasing order.
std::vector<int> RungEpochs(int min_epochs, int max_epochs, int eta);

// Positions of the best floor(n / eta) scores (at least one; none when n is 0), best first; ties go
// to the lower position, NaN counts as worst.
std::vector<int> KeepTop(std::span<const double> scores, int eta);
// The same, keeping the best `count` (at most n).
std::vector<int> KeepBest(std::span<const double> scores, size_t count);

// The winning measurement's index in `trials` (nullopt when every one failed). The winner is the
// best measurement of any rung, with the epochs it had then: a trial that scored better at 9
// epochs than at 27 is overfitting, and its 9-epoch model is the one to keep. But
// - a measurement at an earlier rung than the last any candidate reached must beat it by
//   `fewer_epochs_margin` (relative): a validation split of ~900 users tells 0.176 from 0.175 no
//   better than chance, and on ml-100k the regularised trials' 9-epoch models, refitted, scored no
//   better than the default on the test split where their 27-epoch models beat it. Measurements
//   of one rung compare as they are, also when the budget shortened some of them (25 epochs and
//   27 are the same stage of training);
// - a trial the time budget stopped before a rung it had earned (cut_by_time[trial]) was never
//   judged at the epochs halving meant for it: it wins only when no other trial has a measurement.
// Ties go to the earlier measurement.
std::optional<size_t> PickWinner(std::span<const TrialRecord> trials,
                                 const std::vector<bool>& cut_by_time, double fewer_epochs_margin);
// Unregularised WARP on ml-100k falls 3-4% from its 9-epoch peak by 27 epochs; differences below
// 2% are the validation split's noise.
inline constexpr double kFewerEpochsMargin = 0.02;

// How many of a rung's `measured` trials go on to the next rung: floor(measured / eta), at least
// one, but never fewer than the threads (when that many were measured): a rung trains `threads`
// trials at once, so one trial alone would leave the other threads idle for as long.
int PromotedCount(int measured, int eta, int threads);

}  // namespace vitrina::tuning
