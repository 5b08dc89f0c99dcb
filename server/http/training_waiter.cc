#include "server/http/training_waiter.h"

#include <condition_variable>
#include <optional>

namespace vitrina::server::http {

struct TrainingWaiter::Outcome {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<absl::StatusOr<v1::TrainModelResponse>> result;
  bool abandoned = false;
};

namespace {

absl::Status Stopping() {
  return absl::UnavailableError(
      "the HTTP gateway is stopping; a queued training goes on, see GET /admin/jobs for its outcome");
}

}  // namespace

absl::StatusOr<v1::TrainModelResponse> TrainingWaiter::Train(const v1::TrainModelRequest& request) {
  auto outcome = std::make_shared<Outcome>();
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) return Stopping();
    waiting_.insert(outcome);
  }
  core_.TrainModel(request, [outcome](absl::StatusOr<v1::TrainModelResponse> result) {
    std::lock_guard lock(outcome->mutex);
    outcome->result = std::move(result);
    outcome->changed.notify_all();
  });

  absl::StatusOr<v1::TrainModelResponse> answer = Stopping();
  {
    std::unique_lock lock(outcome->mutex);
    outcome->changed.wait(lock, [&] { return outcome->result.has_value() || outcome->abandoned; });
    if (outcome->result) answer = *std::move(outcome->result);
  }
  std::lock_guard lock(mutex_);
  waiting_.erase(outcome);
  return answer;
}

void TrainingWaiter::CancelAll() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  for (const std::shared_ptr<Outcome>& outcome : waiting_) {
    std::lock_guard outcome_lock(outcome->mutex);
    outcome->abandoned = true;
    outcome->changed.notify_all();
  }
}

}  // namespace vitrina::server::http
