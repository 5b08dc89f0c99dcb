#include "server/training_deadline.h"

#include "fmt/format.h"

namespace vitrina::server {

TrainingDeadline::TrainingDeadline(std::chrono::steady_clock::time_point started, int max_wall_seconds,
                                   std::string serving)
    : deadline_(started + std::chrono::seconds(max_wall_seconds)),
      max_wall_seconds_(max_wall_seconds),
      serving_(std::move(serving)) {}

absl::Status TrainingDeadline::CheckBeforeFirstEpoch() const { return Check("before the first epoch"); }

absl::Status TrainingDeadline::Check(std::string_view when) const {
  if (std::chrono::steady_clock::now() < deadline_) return absl::OkStatus();
  return Exceeded(when);
}

double TrainingDeadline::RemainingSeconds() const {
  return std::chrono::duration<double>(deadline_ - std::chrono::steady_clock::now()).count();
}

trainer::FitOptions TrainingDeadline::FitOptions(int epochs, int threads, const Progress& on_epoch) {
  trainer::FitOptions options;
  options.epochs = epochs;
  options.threads = threads;
  // The trainer logs each epoch itself; the job records its progress.
  options.on_epoch = [this, on_epoch](const trainer::EpochReport& report) {
    if (!on_epoch(report.epoch + 1, report.epochs)) return false;
    if (std::chrono::steady_clock::now() < deadline_) return true;
    stopped_after_ = fmt::format("after epoch {} of {}", report.epoch + 1, report.epochs);
    return false;
  };
  return options;
}

absl::Status TrainingDeadline::StoppedFit() const {
  return stopped_after_ ? Exceeded(*stopped_after_) : absl::OkStatus();
}

absl::Status TrainingDeadline::Exceeded(std::string_view when) const {
  return absl::DeadlineExceededError(
      fmt::format("stopped {}: the job ran longer than training.limits.max_wall_seconds ({} s); {} keeps serving",
                  when, max_wall_seconds_, serving_));
}

}  // namespace vitrina::server
