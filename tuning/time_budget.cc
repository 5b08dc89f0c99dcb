#include "tuning/time_budget.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "tuning/successive_halving.h"

namespace vitrina::tuning {

TimeBudget::TimeBudget(double budget_seconds, std::vector<int> rung_epochs, int eta, int threads,
                       double refit_scale)
    : budget_seconds_(budget_seconds),
      rung_epochs_(std::move(rung_epochs)),
      eta_(std::max(eta, 2)),
      threads_(std::max(threads, 1)),
      refit_scale_(std::max(refit_scale, 1.0)) {}

void TimeBudget::Record(double seconds, int epochs) {
  if (epochs < 1 || !(seconds >= 0) || !std::isfinite(seconds)) return;
  const double per_epoch = seconds / epochs;
  seconds_per_epoch_ = std::max(seconds_per_epoch_.value_or(0.0), per_epoch);
}

double TimeBudget::CommittedSeconds(const RungStart& start, double seconds_per_epoch) const {
  const int n_rungs = static_cast<int>(rung_epochs_.size());
  if (start.rung < 0 || start.rung >= n_rungs) return 0;
  auto rung_length = [&](int rung) {
    return rung_epochs_[rung] - (rung == 0 ? 0 : rung_epochs_[rung - 1]);
  };
  const double own_seconds_per_epoch = start.trial_seconds_per_epoch.value_or(seconds_per_epoch);
  double seconds = rung_length(start.rung) * own_seconds_per_epoch;
  // If this trial is the rung's last, the rung promotes PromotedCount of its trials, and so on:
  // those later rungs run `threads` trials at a time.
  int trials = start.slot + 1;
  for (int rung = start.rung + 1; rung < n_rungs; ++rung) {
    trials = PromotedCount(trials, eta_, threads_);
    const int waves = (trials + threads_ - 1) / threads_;
    seconds += waves * rung_length(rung) * seconds_per_epoch;
  }
  // The winner's refit on all the training data, at the longest it can be, costed as this trial's
  // should it win (a later rung's trials are the likely winners; the dearest trial of the first
  // rung rarely is, and costing its refit refused rungs that fitted). It trains Hogwild on all the
  // threads where a trial had one of them: on ml-100k on 2 vCPUs its epoch took 0.55-0.7x a
  // trial's epoch scaled to its data when the machine was otherwise idle, 0.6-1.2x under a load of
  // 8-10. The typical idle figure is counted on; when an epoch costs more, the refit's own stop
  // (vitrina-train) or the job's deadline (server) bounds the run.
  seconds += rung_epochs_.back() * own_seconds_per_epoch * refit_scale_ * RefitEpochShare();
  return seconds;
}

double TimeBudget::RefitEpochShare() const { return threads_ > 1 ? kRefitEpochShareWithThreads : 1.0; }

std::optional<int> TimeBudget::AffordableEpochs(double elapsed, const RungStart& start,
                                                int epochs_trained) const {
  const int n_rungs = static_cast<int>(rung_epochs_.size());
  if (start.rung <= 0 || start.rung >= n_rungs || !seconds_per_epoch_) return std::nullopt;
  const double own = start.trial_seconds_per_epoch.value_or(*seconds_per_epoch_);
  if (!(own > 0)) return std::nullopt;
  // n more epochs cost n * own, and the refit then trains (epochs_trained + n) epochs at
  // own * refit_scale_ * RefitEpochShare() each.
  const double refit_per_epoch = refit_scale_ * RefitEpochShare();
  const double available = kPlannedShare * budget_seconds_ - elapsed;
  // (The tolerance keeps an exact fit from losing an epoch to rounding.)
  const double extra = std::floor(
      (available / own - epochs_trained * refit_per_epoch) / (1 + refit_per_epoch) + 1e-9);
  const int rung_length = rung_epochs_[start.rung] - epochs_trained;
  const int fewest = std::max(1, rung_length / eta_);
  if (!(extra >= fewest)) return std::nullopt;
  return epochs_trained + std::min(static_cast<int>(extra), rung_length);
}

bool TimeBudget::MayStart(double elapsed, const RungStart& start) const {
  if (elapsed >= budget_seconds_) return false;
  if (!seconds_per_epoch_) return true;
  return elapsed + CommittedSeconds(start, *seconds_per_epoch_) <= kPlannedShare * budget_seconds_;
}

}  // namespace vitrina::tuning
