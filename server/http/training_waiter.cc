#include "server/http/training_waiter.h"

#include <condition_variable>
#include <optional>
#include <string>

#include "fmt/format.h"

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

HttpReply TooManyWaiting(size_t max_waiting) {
  HttpReply reply = ErrorReply(absl::ResourceExhaustedError(fmt::format(
      "{} training request(s) already wait for their training to end, the most the HTTP gateway lets wait "
      "(http.max_waiting_trainings); retry later, or train without waiting (POST /admin/train with \"wait\": "
      "false) and follow the job with GET /admin/jobs/{{job_id}}",
      max_waiting)));
  reply.headers.emplace_back("Retry-After", std::to_string(TrainingWaiter::kRetryAfterSeconds));
  return reply;
}

}  // namespace

absl::StatusOr<HttpReply> TrainingWaiter::Train(const v1::TrainModelRequest& request, const FormatReply& format) {
  const bool waits = request.wait();
  auto outcome = std::make_shared<Outcome>();
  {
    std::lock_guard lock(mutex_);
    if (cancelled_) return Stopping();
    if (waits && waiting_ >= max_waiting_) return TooManyWaiting(max_waiting_);
    if (waits) ++waiting_;
    pending_.insert(outcome);
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
  {
    std::lock_guard lock(mutex_);
    pending_.erase(outcome);
    if (waits) --waiting_;
  }
  if (!answer.ok()) return answer.status();
  return format(*answer);
}

void TrainingWaiter::CancelAll() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  for (const std::shared_ptr<Outcome>& outcome : pending_) {
    std::lock_guard outcome_lock(outcome->mutex);
    outcome->abandoned = true;
    outcome->changed.notify_all();
  }
}

}  // namespace vitrina::server::http
