#include "registry/search_trial_store.h"

#include <cmath>

#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::registry {
namespace {

absl::Status Validate(const SearchTrialRecord& record) {
  if (record.trial < 0 || record.rung < 0) {
    return absl::InvalidArgumentError(fmt::format(
        "trial and rung must not be negative, got trial {} rung {}", record.trial, record.rung));
  }
  if (record.epochs <= 0)
    return absl::InvalidArgumentError(fmt::format("epochs must be positive, got {}", record.epochs));
  if (!(std::isfinite(record.seconds) && record.seconds >= 0)) {
    return absl::InvalidArgumentError(
        fmt::format("seconds must be finite and >= 0, got {}", record.seconds));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status SearchTrialStore::Append(const SearchTrialRecord& record) {
  RETURN_IF_ERROR(Validate(record));
  return database_.Write(
      fmt::format("recording trial {} rung {} of job {}", record.trial, record.rung, record.job_id),
      [&](Connection& connection) {
        CachedStatement insert = connection.Prepare(
            "INSERT INTO search_trials (job_id, rung, trial, epochs, params_json, "
            "validation_metric, seconds, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        insert->bind(1, record.job_id);
        insert->bind(2, record.rung);
        insert->bind(3, record.trial);
        insert->bind(4, record.epochs);
        insert->bind(5, record.params_json);
        // A failed trial, and a NaN (which SQLite would store as NULL anyway), have no metric.
        if (record.validation_metric && std::isfinite(*record.validation_metric)) {
          insert->bind(6, *record.validation_metric);
        } else {
          insert->bind(6);
        }
        insert->bind(7, record.seconds);
        insert->bind(8, record.error);
        insert->exec();
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<SearchTrialRecord>> SearchTrialStore::List(int64_t job_id) const {
  return database_.Read(
      fmt::format("listing the trials of job {}", job_id),
      [&](Connection& connection) -> absl::StatusOr<std::vector<SearchTrialRecord>> {
        CachedStatement query = connection.Prepare(
            "SELECT rung, trial, epochs, params_json, validation_metric, seconds, error "
            "FROM search_trials WHERE job_id = ? ORDER BY rung, trial");
        query->bind(1, job_id);
        std::vector<SearchTrialRecord> trials;
        while (query->executeStep()) {
          SearchTrialRecord record;
          record.job_id = job_id;
          record.rung = query->getColumn(0).getInt();
          record.trial = query->getColumn(1).getInt();
          record.epochs = query->getColumn(2).getInt();
          record.params_json = query->getColumn(3).getString();
          if (!query->getColumn(4).isNull()) record.validation_metric = query->getColumn(4).getDouble();
          record.seconds = query->getColumn(5).getDouble();
          record.error = query->getColumn(6).getString();
          trials.push_back(std::move(record));
        }
        return trials;
      });
}

}  // namespace vitrina::registry
