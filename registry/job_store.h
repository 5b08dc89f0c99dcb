#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "registry/job.h"
#include "registry/registry_database.h"
#include "registry/unix_time.h"

namespace vitrina::registry {

// The training job queue. A job goes queued -> running -> succeeded | failed | cancelled, or
// queued -> cancelled. Every transition is one IMMEDIATE transaction, so workers in several
// threads or processes never claim the same job. Thread-safe; `database` must outlive it.
//
// A worker's loop: ClaimNextRunnable(UnixNow()); when it returns none, sleep until
// NextScheduledTime() (or until a new job is created); per epoch UpdateProgress(), stopping with
// MarkCancelled() when it returns true; at the end MarkSucceeded() or MarkFailed().
class JobStore {
 public:
  explicit JobStore(RegistryDatabase& database) : database_(database) {}

  // Queues a job. InvalidArgument when scheduled_at is not a positive unix time up to
  // kMaxTimestampSeconds or params_json is not JSON.
  absl::StatusOr<JobRecord> Create(const JobSpec& spec);

  // NotFound for an unknown id.
  absl::StatusOr<JobRecord> Get(int64_t job_id) const;

  // The `limit` newest jobs, of one status when given. InvalidArgument when limit <= 0.
  absl::StatusOr<std::vector<JobRecord>> List(int limit,
                                              std::optional<JobStatus> status = std::nullopt) const;

  // Moves the queued job that has been runnable longest (earliest scheduled_at, then lowest id)
  // among those with scheduled_at <= now to running, started at `now`, and returns it; none when
  // no job is runnable.
  absl::StatusOr<std::optional<JobRecord>> ClaimNextRunnable(UnixSeconds now);

  // The earliest scheduled_at of the queued jobs (possibly in the past); none when none queued.
  absl::StatusOr<std::optional<UnixSeconds>> NextScheduledTime() const;

  // Records that `epoch` of `epochs` epochs are done and returns whether a cancel was requested.
  // InvalidArgument unless 0 <= epoch <= epochs and epochs > 0; NotFound for an unknown job;
  // FailedPrecondition unless it is running.
  absl::StatusOr<bool> UpdateProgress(int64_t job_id, int32_t epoch, int32_t epochs);

  // Ends a running job (FailedPrecondition otherwise, NotFound when unknown). A job whose cancel
  // was requested but that finished anyway may still succeed: its model exists.
  absl::Status MarkSucceeded(int64_t job_id, int64_t model_id, const std::string& metrics_json,
                             bool activated);
  absl::Status MarkFailed(int64_t job_id, const std::string& error);
  absl::Status MarkCancelled(int64_t job_id);

  // Cancels a queued job at once; asks the worker of a running job to stop (cancel_requested;
  // it stays running until the worker calls MarkCancelled). Returns the job as it is now.
  // FailedPrecondition for a finished job, NotFound for an unknown one.
  absl::StatusOr<JobRecord> Cancel(int64_t job_id);

  // At start-up, before any worker runs: every job still running belonged to a process that
  // died, and becomes failed with `reason`. Queued jobs stay queued. Returns how many failed.
  absl::StatusOr<int> FailInterruptedJobs(const std::string& reason);

 private:
  RegistryDatabase& database_;
};

}  // namespace vitrina::registry
