#include "server/proto_conversion.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

std::string ToJson(const google::protobuf::Message& message) {
  std::string json;
  // Default printing: fields left unset stay absent, so stored params merge over the defaults
  // exactly as the request did. Serialising a message we built cannot fail: it holds no Any, and
  // its times come through ToTimestamp, inside the range JSON can write (an out-of-range one
  // failed, left the text empty, and the registry's json_valid CHECK refused the model).
  (void)google::protobuf::util::MessageToJsonString(message, &json);
  return json;
}

absl::Status FromJson(const std::string& json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // rows written by a newer version stay readable
  auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) return absl::DataLossError("stored JSON does not parse: " + status.ToString());
  return absl::OkStatus();
}

namespace {

bool InTimestampRange(registry::UnixSeconds seconds) {
  return seconds >= registry::kMinTimestampSeconds && seconds <= registry::kMaxTimestampSeconds;
}

// A job's stored time, clamped into range with a warning that names the job and the field.
google::protobuf::Timestamp JobTime(const registry::JobRecord& job, std::string_view field,
                                    registry::UnixSeconds seconds) {
  if (!InTimestampRange(seconds)) {
    spdlog::warn("job {}: stored {} {} is outside 0001-01-01..9999-12-31, shown clamped into it", job.id, field,
                 seconds);
  }
  return ToTimestamp(seconds);
}

}  // namespace

google::protobuf::Timestamp ToTimestamp(registry::UnixSeconds seconds) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(std::clamp(seconds, registry::kMinTimestampSeconds, registry::kMaxTimestampSeconds));
  return timestamp;
}

absl::StatusOr<registry::UnixSeconds> FromTimestamp(std::string_view field,
                                                    const google::protobuf::Timestamp& timestamp) {
  if (!InTimestampRange(timestamp.seconds()) || timestamp.nanos() < 0 || timestamp.nanos() > 999'999'999) {
    return absl::InvalidArgumentError(fmt::format(
        "{} must be a time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (seconds {}..{}, nanos "
        "0..999999999), got seconds {} nanos {}",
        field, registry::kMinTimestampSeconds, registry::kMaxTimestampSeconds, timestamp.seconds(),
        timestamp.nanos()));
  }
  return timestamp.seconds();
}

v1::Model ToProto(const registry::ModelRecord& record) {
  v1::Model model;
  const registry::ModelArtifact& a = record.artifact;
  model.set_id(record.id);
  *model.mutable_created_at() = ToTimestamp(record.created_at);
  // A row that does not parse still lists with its other fields; the registry validated it on insert.
  (void)FromJson(a.params_json, model.mutable_params());
  (void)FromJson(a.metrics_json, model.mutable_metrics());
  (void)FromJson(a.dataset_json, model.mutable_dataset());
  model.set_file_path(a.file_path);
  model.set_checksum(a.checksum);
  model.set_size_bytes(a.size_bytes);
  model.set_active(record.active);
  model.set_job_id(a.job_id.value_or(0));
  model.set_parent_model_id(a.parent_model_id.value_or(0));
  model.set_n_users(a.n_users);
  model.set_n_titles(a.n_titles);
  model.set_role(std::string(registry::ToString(a.role)));
  return model;
}

v1::JobStatus ToProto(registry::JobStatus status) {
  switch (status) {
    case registry::JobStatus::kQueued: return v1::QUEUED;
    case registry::JobStatus::kRunning: return v1::RUNNING;
    case registry::JobStatus::kSucceeded: return v1::SUCCEEDED;
    case registry::JobStatus::kFailed: return v1::FAILED;
    case registry::JobStatus::kCancelled: return v1::CANCELLED;
  }
  return v1::JOB_STATUS_UNSPECIFIED;
}

std::optional<registry::JobStatus> FromProto(v1::JobStatus status) {
  switch (status) {
    case v1::QUEUED: return registry::JobStatus::kQueued;
    case v1::RUNNING: return registry::JobStatus::kRunning;
    case v1::SUCCEEDED: return registry::JobStatus::kSucceeded;
    case v1::FAILED: return registry::JobStatus::kFailed;
    case v1::CANCELLED: return registry::JobStatus::kCancelled;
    default: return std::nullopt;
  }
}

registry::ActivatePolicy FromProto(v1::Activation activation) {
  switch (activation) {
    case v1::NEVER: return registry::ActivatePolicy::kNever;
    case v1::ALWAYS: return registry::ActivatePolicy::kAlways;
    default: return registry::ActivatePolicy::kIfBetter;
  }
}

v1::Activation ToProto(registry::ActivatePolicy policy) {
  switch (policy) {
    case registry::ActivatePolicy::kNever: return v1::NEVER;
    case registry::ActivatePolicy::kAlways: return v1::ALWAYS;
    case registry::ActivatePolicy::kIfBetter: return v1::IF_BETTER;
  }
  return v1::IF_BETTER;
}

registry::JobKind FromProto(v1::TrainingKind kind) {
  switch (kind) {
    case v1::INCREMENTAL: return registry::JobKind::kIncremental;
    case v1::NEXT_TITLE: return registry::JobKind::kNextTitle;
    default: return registry::JobKind::kFull;
  }
}

v1::TrainingKind ToProto(registry::JobKind kind) {
  switch (kind) {
    case registry::JobKind::kFull: return v1::FULL;
    case registry::JobKind::kIncremental: return v1::INCREMENTAL;
    case registry::JobKind::kNextTitle: return v1::NEXT_TITLE;
    case registry::JobKind::kSearch: return v1::SEARCH;
  }
  return v1::FULL;
}

v1::Job ToProto(const registry::JobRecord& record) {
  v1::Job job;
  job.set_id(record.id);
  switch (record.spec.trigger) {
    case registry::JobTrigger::kApi: job.set_trigger(v1::API); break;
    case registry::JobTrigger::kSchedule: job.set_trigger(v1::SCHEDULE); break;
    case registry::JobTrigger::kNightly: job.set_trigger(v1::NIGHTLY); break;
  }
  job.set_status(ToProto(record.status));
  if (record.spec.kind == registry::JobKind::kSearch) {
    (void)FromJson(record.spec.params_json, job.mutable_search());
  } else {
    (void)FromJson(record.spec.params_json, job.mutable_params());
  }
  job.mutable_params()->set_kind(ToProto(record.spec.kind));
  job.set_activate(ToProto(record.spec.activate));
  *job.mutable_created_at() = JobTime(record, "created_at", record.created_at);
  *job.mutable_scheduled_at() = JobTime(record, "scheduled_at", record.spec.scheduled_at);
  if (record.started_at) *job.mutable_started_at() = JobTime(record, "started_at", *record.started_at);
  if (record.finished_at) *job.mutable_finished_at() = JobTime(record, "finished_at", *record.finished_at);
  job.set_epoch(record.epoch);
  job.set_epochs(record.epochs);
  job.set_model_id(record.model_id.value_or(0));
  job.set_error(record.error);
  (void)FromJson(record.metrics_json, job.mutable_metrics());
  job.set_activated(record.activated);
  return job;
}

v1::SearchTrial ToProto(const registry::SearchTrialRecord& record) {
  v1::SearchTrial trial;
  trial.set_trial(record.trial);
  trial.set_rung(record.rung);
  trial.set_epochs(record.epochs);
  (void)FromJson(record.params_json, trial.mutable_params());
  trial.set_validation_metric(record.validation_metric.value_or(0));
  trial.set_seconds(record.seconds);
  trial.set_error(record.error);
  return trial;
}

v1::DatasetStats ToProto(const data::DatasetStats& stats) {
  v1::DatasetStats out;
  out.set_interactions_read(stats.interactions_read);
  out.set_interactions_kept(stats.interactions_kept);
  for (const auto& [rule, count] : stats.dropped) (*out.mutable_dropped())[rule] = count;
  out.set_n_users(stats.users);
  out.set_n_titles(stats.titles);
  out.set_n_pairs(stats.pairs);
  *out.mutable_watermark() = ToTimestamp(stats.watermark);
  return out;
}

}  // namespace vitrina::server
