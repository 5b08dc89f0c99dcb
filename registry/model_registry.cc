#include "registry/model_registry.h"

#include <SQLiteCpp/Transaction.h>

#include <string_view>

#include "absl/status/status.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "registry/sqlite_values.h"

namespace vitrina::registry {
namespace {

std::string SelectModels(std::string_view condition) {
  return fmt::format(
      "SELECT id, created_at, status, active, params_json, metrics_json, dataset_json, "
      "file_path, checksum, size_bytes, n_users, n_titles, job_id, parent_model_id, watermark, deleted_at, role "
      "FROM models {}",
      condition);
}

// Reads a row of SelectModels().
absl::StatusOr<ModelRecord> ReadModel(const SQLite::Statement& row) {
  ModelRecord model;
  model.id = row.getColumn(0).getInt64();
  model.created_at = row.getColumn(1).getInt64();
  ASSIGN_OR_RETURN(model.status, ParseColumn(row, 2, "model", model.id, &ParseModelStatus));
  model.active = row.getColumn(3).getInt() != 0;
  ModelArtifact& artifact = model.artifact;
  artifact.params_json = row.getColumn(4).getString();
  artifact.metrics_json = row.getColumn(5).getString();
  artifact.dataset_json = row.getColumn(6).getString();
  artifact.file_path = row.getColumn(7).getString();
  artifact.checksum = row.getColumn(8).getString();
  artifact.size_bytes = row.getColumn(9).getInt64();
  artifact.n_users = row.getColumn(10).getInt64();
  artifact.n_titles = row.getColumn(11).getInt64();
  artifact.job_id = OptionalInt64(row.getColumn(12));
  artifact.parent_model_id = OptionalInt64(row.getColumn(13));
  artifact.watermark = row.getColumn(14).getInt64();
  model.deleted_at = OptionalInt64(row.getColumn(15));
  ASSIGN_OR_RETURN(artifact.role, ParseColumn(row, 16, "model", model.id, &ParseModelRole));
  return model;
}

absl::Status ValidateArtifact(const ModelArtifact& artifact) {
  if (artifact.file_path.empty()) return absl::InvalidArgumentError("file_path is empty");
  for (auto [name, value] :
       {std::pair<std::string_view, int64_t>{"size_bytes", artifact.size_bytes},
        {"n_users", artifact.n_users},
        {"n_titles", artifact.n_titles},
        {"watermark", artifact.watermark}}) {
    if (value < 0) {
      return absl::InvalidArgumentError(
          fmt::format("{} must not be negative, got {}", name, value));
    }
  }
  return absl::OkStatus();
}

struct LiveModel {
  bool active;
  std::string file_path;
  ModelRole role;
};

// A model that is not deleted; NotFound otherwise.
absl::StatusOr<LiveModel> FindLiveModel(Connection& connection, int64_t model_id) {
  CachedStatement query =
      connection.Prepare("SELECT status, active, file_path, deleted_at, role FROM models WHERE id = ?");
  query->bind(1, model_id);
  if (!query->executeStep()) {
    return absl::NotFoundError(fmt::format("model {} does not exist", model_id));
  }
  if (query->getColumn(0).getString() != ToString(ModelStatus::kReady)) {
    return DeletedModelError(model_id, OptionalInt64(query->getColumn(3)));
  }
  ASSIGN_OR_RETURN(ModelRole role, ParseColumn(*query, 4, "model", model_id, &ParseModelRole));
  return LiveModel{query->getColumn(1).getInt() != 0, query->getColumn(2).getString(), role};
}

std::optional<int64_t> ActiveModelId(Connection& connection, ModelRole role) {
  CachedStatement query = connection.Prepare("SELECT id FROM models WHERE active = 1 AND role = ?");
  query->bind(1, std::string(ToString(role)));
  if (!query->executeStep()) return std::nullopt;
  return query->getColumn(0).getInt64();
}

}  // namespace

absl::StatusOr<ModelRecord> ModelRegistry::Insert(const ModelArtifact& artifact) {
  RETURN_IF_ERROR(ValidateArtifact(artifact));
  return database_.Write(
      "inserting a model", [&](Connection& connection) -> absl::StatusOr<ModelRecord> {
        SQLite::Transaction transaction(connection.database(),
                                        SQLite::TransactionBehavior::IMMEDIATE);
        if (artifact.job_id.has_value()) {
          RETURN_IF_ERROR(CheckReferenceExists(connection, "SELECT 1 FROM jobs WHERE id = ?",
                                               "job_id", *artifact.job_id));
        }
        if (artifact.parent_model_id.has_value()) {
          RETURN_IF_ERROR(CheckReferenceExists(connection, "SELECT 1 FROM models WHERE id = ?",
                                               "parent_model_id", *artifact.parent_model_id));
        }
        ModelRecord model{.id = 0,
                          .created_at = UnixNow(),
                          .status = ModelStatus::kReady,
                          .deleted_at = std::nullopt,
                          .active = false,
                          .artifact = artifact};
        {
          CachedStatement insert = connection.Prepare(
              "INSERT INTO models (created_at, status, active, params_json, metrics_json, "
              "dataset_json, file_path, checksum, size_bytes, n_users, n_titles, job_id, "
              "parent_model_id, watermark, role) VALUES (?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          insert->bind(1, model.created_at);
          insert->bind(2, std::string(ToString(model.status)));
          insert->bind(3, artifact.params_json);
          insert->bind(4, artifact.metrics_json);
          insert->bind(5, artifact.dataset_json);
          insert->bind(6, artifact.file_path);
          insert->bind(7, artifact.checksum);
          insert->bind(8, artifact.size_bytes);
          insert->bind(9, artifact.n_users);
          insert->bind(10, artifact.n_titles);
          BindOptional(*insert, 11, artifact.job_id);
          BindOptional(*insert, 12, artifact.parent_model_id);
          insert->bind(13, artifact.watermark);
          insert->bind(14, std::string(ToString(artifact.role)));
          insert->exec();
        }
        model.id = connection.database().getLastInsertRowid();
        transaction.commit();
        return model;
      });
}

absl::StatusOr<ModelRecord> ModelRegistry::InsertReplicated(int64_t model_id, UnixSeconds created_at,
                                                           ModelArtifact artifact) {
  if (model_id <= 0) return absl::InvalidArgumentError(fmt::format("model_id must be positive, got {}", model_id));
  artifact.job_id.reset();
  artifact.parent_model_id.reset();
  RETURN_IF_ERROR(ValidateArtifact(artifact));
  return database_.Write(
      fmt::format("recording replicated model {}", model_id), [&](Connection& connection) -> absl::StatusOr<ModelRecord> {
        SQLite::Transaction transaction(connection.database(), SQLite::TransactionBehavior::IMMEDIATE);
        {
          CachedStatement exists = connection.Prepare("SELECT 1 FROM models WHERE id = ?");
          exists->bind(1, model_id);
          if (exists->executeStep()) {
            return absl::AlreadyExistsError(fmt::format("model {} is already recorded", model_id));
          }
        }
        {
          CachedStatement insert = connection.Prepare(
              "INSERT INTO models (id, created_at, status, active, params_json, metrics_json, dataset_json, "
              "file_path, checksum, size_bytes, n_users, n_titles, watermark, role) "
              "VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
          insert->bind(1, model_id);
          insert->bind(2, created_at);
          insert->bind(3, std::string(ToString(ModelStatus::kReady)));
          insert->bind(4, artifact.params_json);
          insert->bind(5, artifact.metrics_json);
          insert->bind(6, artifact.dataset_json);
          insert->bind(7, artifact.file_path);
          insert->bind(8, artifact.checksum);
          insert->bind(9, artifact.size_bytes);
          insert->bind(10, artifact.n_users);
          insert->bind(11, artifact.n_titles);
          insert->bind(12, artifact.watermark);
          insert->bind(13, std::string(ToString(artifact.role)));
          insert->exec();
        }
        transaction.commit();
        return ModelRecord{.id = model_id,
                           .created_at = created_at,
                           .status = ModelStatus::kReady,
                           .deleted_at = std::nullopt,
                           .active = false,
                           .artifact = std::move(artifact)};
      });
}

absl::StatusOr<ModelRecord> ModelRegistry::Get(int64_t model_id) const {
  return database_.Read(
      fmt::format("reading model {}", model_id),
      [&](Connection& connection) -> absl::StatusOr<ModelRecord> {
        CachedStatement query = connection.Prepare(SelectModels("WHERE id = ?"));
        query->bind(1, model_id);
        if (!query->executeStep()) {
          return absl::NotFoundError(fmt::format("model {} does not exist", model_id));
        }
        return ReadModel(*query);
      });
}

absl::StatusOr<std::vector<ModelRecord>> ModelRegistry::List(int limit) const {
  if (limit <= 0) {
    return absl::InvalidArgumentError(fmt::format("limit must be positive, got {}", limit));
  }
  return database_.Read(
      "listing models", [&](Connection& connection) -> absl::StatusOr<std::vector<ModelRecord>> {
        CachedStatement query =
            connection.Prepare(SelectModels("WHERE status = 'ready' ORDER BY id DESC LIMIT ?"));
        query->bind(1, limit);
        std::vector<ModelRecord> models;
        while (query->executeStep()) {
          ASSIGN_OR_RETURN(ModelRecord model, ReadModel(*query));
          models.push_back(std::move(model));
        }
        return models;
      });
}

absl::StatusOr<std::vector<std::pair<int64_t, std::string>>> ModelRegistry::FilePaths() const {
  using Files = std::vector<std::pair<int64_t, std::string>>;
  return database_.Read("listing model files", [&](Connection& connection) -> absl::StatusOr<Files> {
    CachedStatement query = connection.Prepare("SELECT id, file_path FROM models ORDER BY id");
    Files files;
    while (query->executeStep()) {
      files.emplace_back(query->getColumn(0).getInt64(), query->getColumn(1).getString());
    }
    return files;
  });
}

absl::StatusOr<std::optional<ModelRecord>> ModelRegistry::Active(ModelRole role) const {
  return database_.Read(fmt::format("reading the active {} model", ToString(role)),
                        [&](Connection& connection) -> absl::StatusOr<std::optional<ModelRecord>> {
                          CachedStatement query =
                              connection.Prepare(SelectModels("WHERE active = 1 AND role = ?"));
                          query->bind(1, std::string(ToString(role)));
                          if (!query->executeStep()) return std::nullopt;
                          ASSIGN_OR_RETURN(ModelRecord model, ReadModel(*query));
                          return model;
                        });
}

absl::StatusOr<std::optional<int64_t>> ModelRegistry::Activate(int64_t model_id) {
  return database_.Write(
      fmt::format("activating model {}", model_id),
      [&](Connection& connection) -> absl::StatusOr<std::optional<int64_t>> {
        SQLite::Transaction transaction(connection.database(),
                                        SQLite::TransactionBehavior::IMMEDIATE);
        ASSIGN_OR_RETURN(LiveModel model, FindLiveModel(connection, model_id));
        const std::optional<int64_t> previous = ActiveModelId(connection, model.role);
        if (previous == model_id) return previous;
        CachedStatement deactivate = connection.Prepare("UPDATE models SET active = 0 WHERE active = 1 AND role = ?");
        deactivate->bind(1, std::string(ToString(model.role)));
        deactivate->exec();
        CachedStatement activate = connection.Prepare("UPDATE models SET active = 1 WHERE id = ?");
        activate->bind(1, model_id);
        activate->exec();
        transaction.commit();
        return previous;
      });
}

absl::StatusOr<std::string> ModelRegistry::Delete(int64_t model_id) {
  return database_.Write(
      fmt::format("deleting model {}", model_id),
      [&](Connection& connection) -> absl::StatusOr<std::string> {
        SQLite::Transaction transaction(connection.database(),
                                        SQLite::TransactionBehavior::IMMEDIATE);
        ASSIGN_OR_RETURN(LiveModel model, FindLiveModel(connection, model_id));
        if (model.active) {
          return absl::FailedPreconditionError(fmt::format(
              "model {} is the active model: activate another one before deleting it", model_id));
        }
        CachedStatement mark = connection.Prepare("UPDATE models SET status = ?, deleted_at = ? WHERE id = ?");
        mark->bind(1, std::string(ToString(ModelStatus::kDeleted)));
        mark->bind(2, UnixNow());
        mark->bind(3, model_id);
        mark->exec();
        transaction.commit();
        return model.file_path;
      });
}

}  // namespace vitrina::registry
