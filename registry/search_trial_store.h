#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "registry/registry_database.h"

namespace vitrina::registry {

// One measurement of a search job: a trial at a rung.
struct SearchTrialRecord {
  int64_t job_id = 0;
  int32_t trial = 0;
  int32_t rung = 0;
  int32_t epochs = 0;
  std::string params_json = "{}";  // protobuf JSON of TrainingParams
  std::optional<double> validation_metric;  // none when the trial failed
  double seconds = 0;
  std::string error;
};

// The trials of search jobs, written by the job's worker as they are measured. Thread-safe;
// `database` must outlive it.
class SearchTrialStore {
 public:
  explicit SearchTrialStore(RegistryDatabase& database) : database_(database) {}

  // InvalidArgument for a negative trial or rung, epochs <= 0, negative or non-finite seconds, or
  // params_json that is not JSON; FailedPrecondition for an unknown job or a (job, rung, trial)
  // already stored (the registry's constraints).
  absl::Status Append(const SearchTrialRecord& record);
  // By rung, then trial; empty for a job without trials (or an unknown one).
  absl::StatusOr<std::vector<SearchTrialRecord>> List(int64_t job_id) const;

 private:
  RegistryDatabase& database_;
};

}  // namespace vitrina::registry
