#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "trainer/model.h"

namespace vitrina::server {

// The wall-time limit of one training job (training.limits.max_wall_seconds). It is checked
// where a job can stop cleanly: before the first epoch and after each one, beside the job's
// cancellation; a job it stops fails and the model it would have replaced keeps serving.
class TrainingDeadline {
 public:
  // `on_epoch(done, epochs)` reports progress; returning false cancels the job.
  using Progress = std::function<bool(int epochs_done, int epochs)>;

  // `serving` names what keeps serving when the limit stops the job ("the active model").
  TrainingDeadline(std::chrono::steady_clock::time_point started, int max_wall_seconds, std::string serving);

  // DeadlineExceeded when the preparation already used up the limit.
  absl::Status CheckBeforeFirstEpoch() const;
  // DeadlineExceeded naming `when` once the limit passed ("after the search, before the winner's training").
  absl::Status Check(std::string_view when) const;
  // What is left of the limit, in seconds (a search's time budget is capped by it).
  double RemainingSeconds() const;
  // Fit options whose epoch callback reports to `on_epoch` and stops the fit once the limit passed.
  trainer::FitOptions FitOptions(int epochs, int threads, const Progress& on_epoch);
  // After the fit: DeadlineExceeded when the limit stopped it, OK otherwise.
  absl::Status StoppedFit() const;

 private:
  absl::Status Exceeded(std::string_view when) const;

  std::chrono::steady_clock::time_point deadline_;
  int max_wall_seconds_;
  std::string serving_;
  std::optional<std::string> stopped_after_;  // "after epoch i of n" once the limit stopped the fit
};

}  // namespace vitrina::server
