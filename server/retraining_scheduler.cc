#include "server/retraining_scheduler.h"

#include "absl/time/clock.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

void RetrainingScheduler::Start() {
  if (!nightly_ && !incremental_) return;
  thread_ = std::thread([this] { Loop(); });
}

void RetrainingScheduler::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetrainingScheduler::Loop() {
  absl::Time now = absl::Now();
  absl::Time next_nightly = nightly_ ? nightly_->NextAfter(now) : absl::InfiniteFuture();
  absl::Time next_incremental = incremental_ ? incremental_->NextAfter(now) : absl::InfiniteFuture();
  if (nightly_) spdlog::info("nightly retraining '{}' ({}), next at {}", nightly_->expression(), nightly_->time_zone_name(), absl::FormatTime(next_nightly));
  if (incremental_) spdlog::info("incremental training '{}', next at {}", incremental_->expression(), absl::FormatTime(next_incremental));

  std::unique_lock lock(mutex_);
  while (!stopping_) {
    absl::Time next = std::min(next_nightly, next_incremental);
    if (next == absl::InfiniteFuture()) return;
    wake_.wait_until(lock, absl::ToChronoTime(next), [this] { return stopping_; });
    if (stopping_) return;
    now = absl::Now();
    if (now < next) continue;  // woke early
    registry::JobSpec spec;
    spec.scheduled_at = absl::ToUnixSeconds(now);
    spec.activate = registry::ActivatePolicy::kIfBetter;
    if (next == next_nightly) {
      // When both fall on the same minute the full retraining wins; the increment would be empty.
      spec.kind = registry::JobKind::kFull;
      spec.trigger = registry::JobTrigger::kNightly;
      next_nightly = nightly_->NextAfter(now);
      if (next_incremental <= now) next_incremental = incremental_->NextAfter(now);
    } else {
      spec.kind = registry::JobKind::kIncremental;
      spec.trigger = registry::JobTrigger::kSchedule;
      next_incremental = incremental_->NextAfter(now);
    }
    lock.unlock();
    submit_(spec);
    if (spec.kind == registry::JobKind::kFull && next_title_after_nightly_) {
      spec.kind = registry::JobKind::kNextTitle;
      submit_(spec);
    }
    lock.lock();
  }
}

}  // namespace vitrina::server
