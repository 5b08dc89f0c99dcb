#include "registry/job_store.h"

#include <SQLiteCpp/Transaction.h>

#include <string_view>

#include "absl/functional/function_ref.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "registry/sqlite_values.h"
#include "spdlog/spdlog.h"

namespace vitrina::registry {
namespace {

std::string SelectJobs(std::string_view condition) {
  return fmt::format(
      "SELECT id, kind, triggered_by, status, params_json, activate_policy, created_at, "
      "scheduled_at, started_at, finished_at, epoch, epochs, model_id, metrics_json, activated, "
      "error, cancel_requested FROM jobs {}",
      condition);
}

// Reads a row of SelectJobs().
absl::StatusOr<JobRecord> ReadJob(const SQLite::Statement& row) {
  JobRecord job;
  job.id = row.getColumn(0).getInt64();
  ASSIGN_OR_RETURN(job.spec.kind, ParseColumn(row, 1, "job", job.id, &ParseJobKind));
  ASSIGN_OR_RETURN(job.spec.trigger, ParseColumn(row, 2, "job", job.id, &ParseJobTrigger));
  ASSIGN_OR_RETURN(job.status, ParseColumn(row, 3, "job", job.id, &ParseJobStatus));
  job.spec.params_json = row.getColumn(4).getString();
  ASSIGN_OR_RETURN(job.spec.activate, ParseColumn(row, 5, "job", job.id, &ParseActivatePolicy));
  job.created_at = row.getColumn(6).getInt64();
  job.spec.scheduled_at = row.getColumn(7).getInt64();
  job.started_at = OptionalInt64(row.getColumn(8));
  job.finished_at = OptionalInt64(row.getColumn(9));
  job.epoch = row.getColumn(10).getInt();
  job.epochs = row.getColumn(11).getInt();
  job.model_id = OptionalInt64(row.getColumn(12));
  job.metrics_json = row.getColumn(13).getString();
  job.activated = row.getColumn(14).getInt() != 0;
  job.error = row.getColumn(15).getString();
  job.cancel_requested = row.getColumn(16).getInt() != 0;
  return job;
}

absl::StatusOr<JobRecord> LoadJob(Connection& connection, int64_t job_id) {
  CachedStatement query = connection.Prepare(SelectJobs("WHERE id = ?"));
  query->bind(1, job_id);
  if (!query->executeStep()) {
    return absl::NotFoundError(fmt::format("job {} does not exist", job_id));
  }
  return ReadJob(*query);
}

absl::StatusOr<JobStatus> LoadJobStatus(Connection& connection, int64_t job_id) {
  CachedStatement query = connection.Prepare("SELECT status FROM jobs WHERE id = ?");
  query->bind(1, job_id);
  if (!query->executeStep()) {
    return absl::NotFoundError(fmt::format("job {} does not exist", job_id));
  }
  return ParseColumn(*query, 0, "job", job_id, &ParseJobStatus);
}

// Runs `update` in one IMMEDIATE transaction with the job known to be running.
absl::Status UpdateRunningJob(RegistryDatabase& database, int64_t job_id, std::string_view action,
                              absl::FunctionRef<absl::Status(Connection&)> update) {
  return database.Write(
      fmt::format("{} job {}", action, job_id), [&](Connection& connection) -> absl::Status {
        SQLite::Transaction transaction(connection.database(),
                                        SQLite::TransactionBehavior::IMMEDIATE);
        ASSIGN_OR_RETURN(JobStatus status, LoadJobStatus(connection, job_id));
        if (status != JobStatus::kRunning) {
          return absl::FailedPreconditionError(
              fmt::format("{} job {}: it is {}, not running", action, job_id, ToString(status)));
        }
        RETURN_IF_ERROR(update(connection));
        transaction.commit();
        return absl::OkStatus();
      });
}

// Ends a running job with `status`; `error` explains a failure.
void FinishJob(Connection& connection, int64_t job_id, JobStatus status, const std::string& error) {
  CachedStatement finish =
      connection.Prepare("UPDATE jobs SET status = ?, finished_at = ?, error = ? WHERE id = ?");
  finish->bind(1, std::string(ToString(status)));
  finish->bind(2, UnixNow());
  finish->bind(3, error);
  finish->bind(4, job_id);
  finish->exec();
}

}  // namespace

absl::StatusOr<JobRecord> JobStore::Create(const JobSpec& spec) {
  if (spec.scheduled_at <= 0 || spec.scheduled_at > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(fmt::format(
        "scheduled_at must be a unix time in seconds in 1..{} (up to 9999-12-31), got {}", kMaxTimestampSeconds,
        spec.scheduled_at));
  }
  return database_.Write(
      "creating a job", [&](Connection& connection) -> absl::StatusOr<JobRecord> {
        SQLite::Transaction transaction(connection.database(),
                                        SQLite::TransactionBehavior::IMMEDIATE);
        {
          CachedStatement insert = connection.Prepare(
              "INSERT INTO jobs (kind, triggered_by, status, params_json, activate_policy, "
              "created_at, scheduled_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
          insert->bind(1, std::string(ToString(spec.kind)));
          insert->bind(2, std::string(ToString(spec.trigger)));
          insert->bind(3, std::string(ToString(JobStatus::kQueued)));
          insert->bind(4, spec.params_json);
          insert->bind(5, std::string(ToString(spec.activate)));
          insert->bind(6, UnixNow());
          insert->bind(7, spec.scheduled_at);
          insert->exec();
        }
        ASSIGN_OR_RETURN(JobRecord job,
                         LoadJob(connection, connection.database().getLastInsertRowid()));
        transaction.commit();
        return job;
      });
}

absl::StatusOr<JobRecord> JobStore::Get(int64_t job_id) const {
  return database_.Read(fmt::format("reading job {}", job_id),
                        [&](Connection& connection) { return LoadJob(connection, job_id); });
}

absl::StatusOr<std::vector<JobRecord>> JobStore::List(int limit,
                                                      std::optional<JobStatus> status) const {
  if (limit <= 0) {
    return absl::InvalidArgumentError(fmt::format("limit must be positive, got {}", limit));
  }
  return database_.Read(
      "listing jobs", [&](Connection& connection) -> absl::StatusOr<std::vector<JobRecord>> {
        CachedStatement query = connection.Prepare(
            SelectJobs("WHERE ?1 IS NULL OR status = ?1 ORDER BY id DESC LIMIT ?2"));
        if (status.has_value()) {
          query->bind(1, std::string(ToString(*status)));
        } else {
          query->bind(1);
        }
        query->bind(2, limit);
        std::vector<JobRecord> jobs;
        while (query->executeStep()) {
          ASSIGN_OR_RETURN(JobRecord job, ReadJob(*query));
          jobs.push_back(std::move(job));
        }
        return jobs;
      });
}

absl::StatusOr<std::optional<JobRecord>> JobStore::ClaimNextRunnable(UnixSeconds now) {
  return database_.Write(
      "claiming the next runnable job",
      [&](Connection& connection) -> absl::StatusOr<std::optional<JobRecord>> {
        SQLite::Transaction transaction(connection.database(),
                                        SQLite::TransactionBehavior::IMMEDIATE);
        int64_t job_id = 0;
        {
          CachedStatement next = connection.Prepare(
              "SELECT id FROM jobs WHERE status = 'queued' AND scheduled_at <= ? "
              "ORDER BY scheduled_at, id LIMIT 1");
          next->bind(1, now);
          if (!next->executeStep()) return std::nullopt;
          job_id = next->getColumn(0).getInt64();
        }
        {
          CachedStatement start =
              connection.Prepare("UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?");
          start->bind(1, now);
          start->bind(2, job_id);
          start->exec();
        }
        ASSIGN_OR_RETURN(JobRecord job, LoadJob(connection, job_id));
        transaction.commit();
        return job;
      });
}

absl::StatusOr<std::optional<UnixSeconds>> JobStore::NextScheduledTime() const {
  return database_.Read("reading the next scheduled job",
                        [&](Connection& connection) -> absl::StatusOr<std::optional<UnixSeconds>> {
                          CachedStatement query = connection.Prepare(
                              "SELECT MIN(scheduled_at) FROM jobs WHERE status = 'queued'");
                          query->executeStep();
                          return OptionalInt64(query->getColumn(0));
                        });
}

absl::StatusOr<bool> JobStore::UpdateProgress(int64_t job_id, int32_t epoch, int32_t epochs) {
  if (epochs <= 0 || epoch < 0 || epoch > epochs) {
    return absl::InvalidArgumentError(fmt::format(
        "progress of job {}: need 0 <= epoch <= epochs and epochs > 0, got epoch {} of {}", job_id,
        epoch, epochs));
  }
  bool cancel_requested = false;
  RETURN_IF_ERROR(
      UpdateRunningJob(database_, job_id, "recording progress of", [&](Connection& connection) {
        CachedStatement update = connection.Prepare(
            "UPDATE jobs SET epoch = ?, epochs = ? WHERE id = ? RETURNING cancel_requested");
        update->bind(1, epoch);
        update->bind(2, epochs);
        update->bind(3, job_id);
        update->executeStep();
        cancel_requested = update->getColumn(0).getInt() != 0;
        return absl::OkStatus();
      }));
  return cancel_requested;
}

absl::Status JobStore::MarkSucceeded(int64_t job_id, int64_t model_id,
                                     const std::string& metrics_json, bool activated) {
  return UpdateRunningJob(database_, job_id, "marking succeeded", [&](Connection& connection) {
    RETURN_IF_ERROR(CheckReferenceExists(connection, "SELECT 1 FROM models WHERE id = ?", "model_id", model_id));
    FinishJob(connection, job_id, JobStatus::kSucceeded, "");
    CachedStatement result = connection.Prepare(
        "UPDATE jobs SET model_id = ?, metrics_json = ?, activated = ? WHERE id = ?");
    result->bind(1, model_id);
    result->bind(2, metrics_json);
    result->bind(3, activated ? 1 : 0);
    result->bind(4, job_id);
    result->exec();
    return absl::OkStatus();
  });
}

absl::Status JobStore::MarkFailed(int64_t job_id, const std::string& error) {
  return UpdateRunningJob(database_, job_id, "marking failed", [&](Connection& connection) {
    FinishJob(connection, job_id, JobStatus::kFailed, error);
    return absl::OkStatus();
  });
}

absl::Status JobStore::MarkCancelled(int64_t job_id) {
  return UpdateRunningJob(database_, job_id, "marking cancelled", [&](Connection& connection) {
    FinishJob(connection, job_id, JobStatus::kCancelled, "");
    return absl::OkStatus();
  });
}

absl::StatusOr<JobRecord> JobStore::Cancel(int64_t job_id) {
  return database_.Write(fmt::format("cancelling job {}", job_id),
                         [&](Connection& connection) -> absl::StatusOr<JobRecord> {
                           SQLite::Transaction transaction(connection.database(),
                                                           SQLite::TransactionBehavior::IMMEDIATE);
                           ASSIGN_OR_RETURN(JobStatus status, LoadJobStatus(connection, job_id));
                           if (IsFinished(status)) {
                             return absl::FailedPreconditionError(
                                 fmt::format("job {} is already {}", job_id, ToString(status)));
                           }
                           if (status == JobStatus::kQueued) {
                             FinishJob(connection, job_id, JobStatus::kCancelled, "");
                           } else {
                             CachedStatement request = connection.Prepare(
                                 "UPDATE jobs SET cancel_requested = 1 WHERE id = ?");
                             request->bind(1, job_id);
                             request->exec();
                           }
                           ASSIGN_OR_RETURN(JobRecord job, LoadJob(connection, job_id));
                           transaction.commit();
                           return job;
                         });
}

absl::StatusOr<int> JobStore::FailInterruptedJobs(const std::string& reason) {
  ASSIGN_OR_RETURN(
      int failed,
      database_.Write("failing interrupted jobs",
                      [&](Connection& connection) -> absl::StatusOr<int> {
                        CachedStatement fail = connection.Prepare(
                            "UPDATE jobs SET status = 'failed', finished_at = ?, error = ? "
                            "WHERE status = 'running'");
                        fail->bind(1, UnixNow());
                        fail->bind(2, reason);
                        return fail->exec();
                      }));
  if (failed > 0) spdlog::warn("registry: {} interrupted job(s) marked failed: {}", failed, reason);
  return failed;
}

}  // namespace vitrina::registry
