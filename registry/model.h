#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "registry/unix_time.h"

namespace vitrina::registry {

// A deleted model keeps its row, so that the jobs and incremental models that refer to it still
// resolve; only its file is gone.
enum class ModelStatus { kReady, kDeleted };

std::string_view ToString(ModelStatus status);
std::optional<ModelStatus> ParseModelStatus(std::string_view text);

// What every call that names a deleted model answers: NotFound "model 3 was deleted at
// 2026-12-04T19:30:00Z", so that "deleted" is told apart from "never existed".
absl::Status DeletedModelError(int64_t model_id, std::optional<UnixSeconds> deleted_at);

// What a training produced: its model file and how it came about. The JSON fields are protobuf
// JSON written by the server (TrainingParams, Metrics, DatasetStats); the registry checks only
// that they are valid JSON.
struct ModelArtifact {
  std::string params_json = "{}";
  std::string metrics_json = "{}";
  std::string dataset_json = "{}";
  std::string file_path;
  std::string checksum;
  int64_t size_bytes = 0;
  int64_t n_users = 0;
  int64_t n_titles = 0;
  std::optional<int64_t> job_id;           // unset: trained outside the job queue (CLI)
  std::optional<int64_t> parent_model_id;  // incremental models: the model they continued
  UnixSeconds watermark = 0;               // timestamp of the newest interaction used
};

struct ModelRecord {
  int64_t id = 0;
  UnixSeconds created_at = 0;
  ModelStatus status = ModelStatus::kReady;
  std::optional<UnixSeconds> deleted_at;  // deleted models (unset for those deleted before it was recorded)
  bool active = false;
  ModelArtifact artifact;
};

}  // namespace vitrina::registry
