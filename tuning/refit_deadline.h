#pragma once

#include "tuning/search_clock.h"

namespace vitrina::tuning {

// How a search's wall-time budget bounds the winner's training: the search planned for it from
// the trials' epochs, but a refit epoch can cost more than planned (another process takes a core
// from a Hogwild thread), so the refit stops before an epoch expected to end past `end_seconds`
// on `clock`, each epoch expected to cost the mean of those so far. The model trained up to there
// is the result; the search's planned share of the budget leaves the rest for what follows.
class RefitDeadline {
 public:
  // Starts timing the refit now.
  RefitDeadline(const SearchClock& clock, double end_seconds)
      : clock_(clock), started_(clock.Seconds()), end_seconds_(end_seconds) {}

  // After `epochs_done` (>= 1) epochs of the refit: whether another is expected to end in time.
  bool MayContinue(int epochs_done) const {
    const double now = clock_.Seconds();
    const double per_epoch = (now - started_) / (epochs_done < 1 ? 1 : epochs_done);
    return now + per_epoch <= end_seconds_;
  }

 private:
  const SearchClock& clock_;
  const double started_;
  const double end_seconds_;
};

}  // namespace vitrina::tuning
