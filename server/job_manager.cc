#include "server/job_manager.h"

#include <algorithm>

#include "fmt/format.h"
#include "server/proto_conversion.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {
namespace {

// Between checks of the queue when nothing is scheduled: a job another process (or a clock
// change) made runnable is picked up within this time.
constexpr std::chrono::seconds kIdlePoll{30};

constexpr const char* kOutcomes[] = {"succeeded", "failed", "cancelled"};

}  // namespace

JobManager::JobManager(registry::JobStore& jobs, const TrainingRunner& runner)
    : jobs_(jobs),
      runner_(runner),
      jobs_ended_(prometheus::BuildCounter()
                      .Name("vitrina_training_jobs_total")
                      .Help("Training jobs ended, by outcome.")
                      .Register(metrics_)),
      job_seconds_(prometheus::BuildCounter()
                       .Name("vitrina_training_job_seconds_total")
                       .Help("Time spent in training jobs, by outcome.")
                       .Register(metrics_)) {
  // Every outcome is there from the start, at 0, so that rate() sees the first one.
  for (const char* outcome : kOutcomes) {
    jobs_ended_.Add({{"outcome", outcome}});
    job_seconds_.Add({{"outcome", outcome}});
  }
}

void JobManager::Start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  worker_ = std::thread([this] { WorkerLoop(); });
}

void JobManager::Stop() {
  std::map<int64_t, std::vector<Finished>> waiters;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  {
    std::lock_guard lock(mutex_);
    waiters.swap(waiters_);
  }
  for (auto& [job_id, callbacks] : waiters) {
    for (Finished& callback : callbacks) {
      callback(absl::UnavailableError(fmt::format("the server shut down before job {} ended", job_id)));
    }
  }
}

absl::StatusOr<registry::JobRecord> JobManager::Submit(const registry::JobSpec& spec, Finished on_finished) {
  absl::StatusOr<registry::JobRecord> job;
  {
    // The waiter is in place before the worker can finish the job: NotifyFinished takes this
    // lock, so a job that ends at once still answers its waiter.
    std::lock_guard lock(mutex_);
    job = jobs_.Create(spec);
    if (!job.ok()) return job;
    if (on_finished) waiters_[job->id].push_back(std::move(on_finished));
    ++submissions_;
  }
  wake_.notify_all();
  spdlog::info("job {} queued ({}, {}, runnable at {})", job->id, registry::ToString(spec.kind),
               registry::ToString(spec.trigger), spec.scheduled_at);
  return job;
}

absl::StatusOr<registry::JobRecord> JobManager::Cancel(int64_t job_id) {
  absl::StatusOr<registry::JobRecord> job = jobs_.Cancel(job_id);
  if (job.ok() && job->status == registry::JobStatus::kCancelled) NotifyFinished(job_id);
  return job;
}

void JobManager::WorkerLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // A job submitted after this point wakes the wait below, even if its notification came
    // before the wait started.
    const uint64_t submissions_seen = submissions_;
    lock.unlock();
    absl::StatusOr<std::optional<registry::JobRecord>> claimed = jobs_.ClaimNextRunnable(registry::UnixNow());
    if (claimed.ok() && claimed->has_value()) {
      RunJob(**claimed);
      lock.lock();
      continue;
    }
    if (!claimed.ok()) spdlog::error("job queue: {}", std::string(claimed.status().message()));
    auto wake_at = std::chrono::system_clock::now() + kIdlePoll;
    absl::StatusOr<std::optional<registry::UnixSeconds>> next = jobs_.NextScheduledTime();
    if (next.ok() && next->has_value()) {
      // Compared in seconds: a time past 2262 (a bad stored row) overflows the clock's nanoseconds
      // into the past, and the worker would spin.
      const auto idle_until = std::chrono::time_point_cast<std::chrono::seconds>(wake_at).time_since_epoch().count();
      if (**next < idle_until) {
        wake_at = std::chrono::system_clock::time_point(std::chrono::seconds(std::max<registry::UnixSeconds>(**next, 0)));
      }
    }
    lock.lock();
    if (!stopping_ && submissions_ == submissions_seen) wake_.wait_until(lock, wake_at);
  }
}

void JobManager::RunJob(const registry::JobRecord& job) {
  spdlog::info("job {} started ({})", job.id, registry::ToString(job.spec.kind));
  bool shutting_down = false;
  auto progress = [&](int done, int epochs) {
    absl::StatusOr<bool> cancel_requested = jobs_.UpdateProgress(job.id, done, epochs);
    {
      std::lock_guard lock(mutex_);
      shutting_down = stopping_;
    }
    return !shutting_down && !(cancel_requested.ok() && *cancel_requested);
  };
  auto started = std::chrono::steady_clock::now();
  absl::StatusOr<TrainingOutcome> outcome = runner_.Run(job, progress);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  absl::Status recorded;
  const char* result = "failed";
  if (outcome.ok()) {
    recorded = jobs_.MarkSucceeded(job.id, outcome->model.id, ToJson(outcome->metrics), outcome->activated);
    result = "succeeded";
    spdlog::info("job {} succeeded: model {} (precision@{} {:.4f}, AUC {:.4f}){}", job.id, outcome->model.id,
                 outcome->metrics.k(), outcome->metrics.precision_at_k(), outcome->metrics.auc(),
                 outcome->activated ? ", now serving" : "");
  } else if (outcome.status().code() == absl::StatusCode::kCancelled && !shutting_down) {
    recorded = jobs_.MarkCancelled(job.id);
    result = "cancelled";
    spdlog::info("job {} cancelled", job.id);
  } else {
    std::string error = shutting_down && outcome.status().code() == absl::StatusCode::kCancelled
                            ? "the server shut down during the training"
                            : std::string(outcome.status().message());
    recorded = jobs_.MarkFailed(job.id, error);
    spdlog::error("job {} failed: {}", job.id, error);
  }
  if (!recorded.ok()) spdlog::error("job {}: cannot record its end: {}", job.id, std::string(recorded.message()));
  jobs_ended_.Add({{"outcome", result}}).Increment();
  job_seconds_.Add({{"outcome", result}}).Increment(seconds);
  NotifyFinished(job.id);
}

void JobManager::NotifyFinished(int64_t job_id) {
  std::vector<Finished> callbacks;
  {
    std::lock_guard lock(mutex_);
    auto it = waiters_.find(job_id);
    if (it == waiters_.end()) return;
    callbacks = std::move(it->second);
    waiters_.erase(it);
  }
  absl::StatusOr<registry::JobRecord> job = jobs_.Get(job_id);
  for (Finished& callback : callbacks) callback(job);
}

}  // namespace vitrina::server
