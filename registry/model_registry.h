#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "registry/model.h"
#include "registry/registry_database.h"

namespace vitrina::registry {

// The trained models and which ones are served. At most one model of each role is active: a
// partial unique index enforces it for every writer of the file, and Activate() swaps in one
// IMMEDIATE transaction. Thread-safe; `database` must outlive it.
class ModelRegistry {
 public:
  explicit ModelRegistry(RegistryDatabase& database) : database_(database) {}

  // Records a ready, inactive model. InvalidArgument for negative sizes or counts, an empty
  // file path, invalid JSON, or a job_id / parent_model_id that names nothing.
  absl::StatusOr<ModelRecord> Insert(const ModelArtifact& artifact);
  // Records a model copied from another registry (a read replica's copy of its primary's model)
  // under the same id and creation time, inactive; its job and parent stay unset (they name rows
  // of the other registry). AlreadyExists when the id is taken.
  absl::StatusOr<ModelRecord> InsertReplicated(int64_t model_id, UnixSeconds created_at, ModelArtifact artifact);

  // Any model, deleted ones included (their status and deleted_at say so). NotFound for an
  // unknown id.
  absl::StatusOr<ModelRecord> Get(int64_t model_id) const;

  // The `limit` newest models that are not deleted. InvalidArgument when limit <= 0.
  absl::StatusOr<std::vector<ModelRecord>> List(int limit) const;

  // Every model's id and file path, deleted models included (their files are removed on
  // deletion): what tells a model file the registry knows from an orphan.
  absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> FilePaths() const;

  // The served model of `role`, if any.
  absl::StatusOr<std::optional<ModelRecord>> Active(ModelRole role = ModelRole::kPersonal) const;

  // Makes `model_id` the active model of its role and returns the previously active one of that
  // role (the same id when it was already active; none when nothing was); the other role's
  // active model stays. NotFound for an unknown or deleted model
  // (DeletedModelError).
  // The caller loads and checks the model file before, so the registry never points at a model
  // the server cannot serve.
  absl::StatusOr<std::optional<int64_t>> Activate(int64_t model_id);

  // Marks the model deleted and returns its file path for the caller to remove. The row stays
  // (jobs and child models refer to it). NotFound for an unknown or already deleted model,
  // FailedPrecondition for the active one.
  absl::StatusOr<std::string> Delete(int64_t model_id);

 private:
  RegistryDatabase& database_;
};

}  // namespace vitrina::registry
