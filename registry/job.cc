#include "registry/job.h"

#include <initializer_list>

namespace vitrina::registry {
namespace {

template <typename Enum>
std::optional<Enum> ParseByName(std::string_view text, std::initializer_list<Enum> values) {
  for (Enum value : values) {
    if (ToString(value) == text) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ToString(JobKind kind) {
  switch (kind) {
    case JobKind::kFull:
      return "full";
    case JobKind::kIncremental:
      return "incremental";
    case JobKind::kNextTitle:
      return "next_title";
    case JobKind::kSearch:
      return "search";
  }
  return "unknown";
}

std::string_view ToString(JobTrigger trigger) {
  switch (trigger) {
    case JobTrigger::kApi:
      return "api";
    case JobTrigger::kSchedule:
      return "schedule";
    case JobTrigger::kNightly:
      return "nightly";
  }
  return "unknown";
}

std::string_view ToString(JobStatus status) {
  switch (status) {
    case JobStatus::kQueued:
      return "queued";
    case JobStatus::kRunning:
      return "running";
    case JobStatus::kSucceeded:
      return "succeeded";
    case JobStatus::kFailed:
      return "failed";
    case JobStatus::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string_view ToString(ActivatePolicy policy) {
  switch (policy) {
    case ActivatePolicy::kNever:
      return "never";
    case ActivatePolicy::kAlways:
      return "always";
    case ActivatePolicy::kIfBetter:
      return "if_better";
  }
  return "unknown";
}

std::optional<JobKind> ParseJobKind(std::string_view text) {
  return ParseByName(text, {JobKind::kFull, JobKind::kIncremental, JobKind::kSearch, JobKind::kNextTitle});
}

std::optional<JobTrigger> ParseJobTrigger(std::string_view text) {
  return ParseByName(text, {JobTrigger::kApi, JobTrigger::kSchedule, JobTrigger::kNightly});
}

std::optional<JobStatus> ParseJobStatus(std::string_view text) {
  return ParseByName(text, {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kSucceeded,
                            JobStatus::kFailed, JobStatus::kCancelled});
}

std::optional<ActivatePolicy> ParseActivatePolicy(std::string_view text) {
  return ParseByName(text,
                     {ActivatePolicy::kNever, ActivatePolicy::kAlways, ActivatePolicy::kIfBetter});
}

bool IsFinished(JobStatus status) {
  return status == JobStatus::kSucceeded || status == JobStatus::kFailed ||
         status == JobStatus::kCancelled;
}

}  // namespace vitrina::registry
