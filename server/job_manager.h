#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "registry/job_store.h"
#include "server/training_runner.h"

namespace vitrina::server {

// The training queue's worker: one training at a time, in the order jobs became runnable
// (queued now, or scheduled for a time that has come). Callers may wait for a job's end without
// blocking a thread: their callback runs when it ends.
class JobManager {
 public:
  using Finished = std::function<void(absl::StatusOr<registry::JobRecord>)>;

  JobManager(registry::JobStore& jobs, const TrainingRunner& runner);
  ~JobManager() { Stop(); }

  // Starts the worker thread.
  void Start();
  // Stops taking jobs; a running training stops at its next epoch and is marked failed ("the
  // server shut down"), queued jobs stay queued for the next start, waiters hear Unavailable.
  void Stop();

  // Queues a job; `on_finished` (optional) runs once it has ended.
  absl::StatusOr<registry::JobRecord> Submit(const registry::JobSpec& spec, Finished on_finished = {});
  // vitrina_training_jobs_total and vitrina_training_job_seconds_total by outcome (succeeded,
  // failed, cancelled) since start.
  const prometheus::Collectable& metrics() const { return metrics_; }

  // Cancels a queued job at once, or asks the running one to stop at its next epoch.
  absl::StatusOr<registry::JobRecord> Cancel(int64_t job_id);

 private:
  void WorkerLoop();
  void RunJob(const registry::JobRecord& job);
  void NotifyFinished(int64_t job_id);

  registry::JobStore& jobs_;
  const TrainingRunner& runner_;

  prometheus::Registry metrics_;
  prometheus::Family<prometheus::Counter>& jobs_ended_;
  prometheus::Family<prometheus::Counter>& job_seconds_;

  mutable std::mutex mutex_;

  std::condition_variable wake_;
  uint64_t submissions_ = 0;  // jobs submitted so far: a worker about to wait sees whether one came
  bool stopping_ = false;
  bool started_ = false;
  std::map<int64_t, std::vector<Finished>> waiters_;
  std::thread worker_;
};

}  // namespace vitrina::server
