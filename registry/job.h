#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "registry/unix_time.h"

namespace vitrina::registry {

// kSearch: a hyperparameter search whose params_json is a StartSearchRequest, not TrainingParams.
enum class JobKind { kFull, kIncremental, kSearch, kNextTitle };
enum class JobTrigger { kApi, kSchedule, kNightly };
enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed, kCancelled };
// What a finished job does with its model.
enum class ActivatePolicy { kNever, kAlways, kIfBetter };

// Names as stored in the registry ("incremental", "if_better", ...).
std::string_view ToString(JobKind kind);
std::string_view ToString(JobTrigger trigger);
std::string_view ToString(JobStatus status);
std::string_view ToString(ActivatePolicy policy);
std::optional<JobKind> ParseJobKind(std::string_view text);
std::optional<JobTrigger> ParseJobTrigger(std::string_view text);
std::optional<JobStatus> ParseJobStatus(std::string_view text);
std::optional<ActivatePolicy> ParseActivatePolicy(std::string_view text);

// Succeeded, failed and cancelled jobs never change again.
bool IsFinished(JobStatus status);

// What a caller asks for when it queues a training.
struct JobSpec {
  JobKind kind = JobKind::kFull;
  JobTrigger trigger = JobTrigger::kApi;
  std::string params_json = "{}";  // protobuf JSON of TrainingParams (of StartSearchRequest for kSearch)
  ActivatePolicy activate = ActivatePolicy::kIfBetter;
  // When it may start: UnixNow() for "as soon as a worker is free".
  UnixSeconds scheduled_at = 0;
};

struct JobRecord {
  int64_t id = 0;
  JobSpec spec;
  JobStatus status = JobStatus::kQueued;
  UnixSeconds created_at = 0;
  std::optional<UnixSeconds> started_at;
  std::optional<UnixSeconds> finished_at;
  int32_t epoch = 0;  // progress: epoch `epoch` of `epochs` done
  int32_t epochs = 0;
  std::optional<int64_t> model_id;  // set when succeeded
  std::string metrics_json = "{}";  // protobuf JSON of Metrics, when succeeded
  bool activated = false;           // whether its model was made active
  std::string error;                // why it failed
  bool cancel_requested = false;    // a running job's worker should stop
};

}  // namespace vitrina::registry
