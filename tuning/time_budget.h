#pragma once

#include <optional>
#include <vector>

namespace vitrina::tuning {

// What successive halving needs to know to decide, before it starts a trial's rung, whether that
// rung and what it commits the search to can still finish within the wall-time budget. All costs
// are wall seconds as measured inside the search (so they include the machine's load and the
// other trials training at the same time).
struct RungStart {
  int rung = 0;  // index into rung_epochs
  int slot = 0;  // this trial's position among the rung's trials (0 first)
  std::optional<double> trial_seconds_per_epoch;  // this trial's own cost at its previous rung
};

class TimeBudget {
 public:
  // The share of the budget planned for: epochs vary with the machine's load, and what follows the
  // refit (the test evaluation, the process's exit) is not estimated.
  static constexpr double kPlannedShare = 0.95;
  // A refit epoch on more than one thread over a trial's epoch on one, scaled to the refit's data.
  static constexpr double kRefitEpochShareWithThreads = 0.65;

  // `rung_epochs` as RungEpochs gives them; `refit_scale` is how much longer a winner's epoch on
  // all the training data takes than a trial's epoch on the fit split (their size ratio); the
  // refit is reserved for the last rung's epochs, whichever trial wins.
  TimeBudget(double budget_seconds, std::vector<int> rung_epochs, int eta, int threads,
             double refit_scale);

  // Records one rung's measurement: `seconds` for `epochs` epochs (evaluation included).
  void Record(double seconds, int epochs);

  // The dearest epoch measured so far (trials differ in no_components and regularisation, and a
  // later one may cost more than the mean): unset before the first measurement.
  std::optional<double> SecondsPerEpoch() const { return seconds_per_epoch_; }

  // Whether a trial may start `start.rung` at `elapsed` seconds into the search: the rung's epochs
  // at this trial's cost, the later rungs of the trials this rung will promote if this one is its
  // last, and the refit (at this trial's cost, should it win) must all end within kPlannedShare
  // of the budget. Before any measurement only the time already spent is checked (the first
  // trials must run for anything to be measured).
  bool MayStart(double elapsed, const RungStart& start) const;

  // The seconds MayStart expects the search to still need once `start` runs; exposed for tests
  // and logs.
  double CommittedSeconds(const RungStart& start, double seconds_per_epoch) const;

  // For a trial continuing into `start.rung` that MayStart refused: the most epochs in all it can
  // reach instead, as its last measurement, so that those epochs at its own cost and its refit at
  // that many epochs end within kPlannedShare of the budget. nullopt when that adds fewer than
  // 1/eta of the rung's epochs (too few to tell from where it was), and on the first rung (a
  // shortened first rung would compare trials at different epochs).
  std::optional<int> AffordableEpochs(double elapsed, const RungStart& start,
                                      int epochs_trained) const;

 private:
  double budget_seconds_;
  std::vector<int> rung_epochs_;
  int eta_;
  int threads_;
  double refit_scale_;
  double RefitEpochShare() const;

  std::optional<double> seconds_per_epoch_;
};

}  // namespace vitrina::tuning
