#include "server/model_manager.h"

#include <filesystem>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "trainer/model_file.h"

namespace vitrina::server {

absl::StatusOr<std::shared_ptr<const ServedModel>> ModelManager::Load(const registry::ModelRecord& record) const {
  if (record.status == registry::ModelStatus::kDeleted) {
    return absl::NotFoundError(fmt::format("model {} was deleted", record.id));
  }
  const std::string& path = record.artifact.file_path;
  trainer::ModelFileInfo info;
  absl::StatusOr<trainer::Model> model = trainer::LoadModel(path, &info);
  if (!model.ok()) {
    return absl::Status(model.status().code(),
                        fmt::format("model {}: {}", record.id, std::string(model.status().message())));
  }
  // The file is whole (its own CRC matched); it must also be the file the registry recorded.
  if (info.checksum_hex != record.artifact.checksum) {
    return absl::DataLossError(fmt::format("model {}: file {} has checksum {}, the registry recorded {}", record.id,
                                           path, info.checksum_hex, record.artifact.checksum));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const PopularTitles> popular, PopularTitles::Load(PopularityPath(path)));
  ASSIGN_OR_RETURN(std::shared_ptr<const ColdConsumption> cold_consumed,
                   ColdConsumption::Load(ColdConsumptionPath(path)));
  auto served = std::make_shared<ServedModel>();
  served->model_id = record.id;
  served->model = std::make_shared<const trainer::Model>(std::move(model).value());
  served->sessions = std::make_shared<const sessions::SessionModel>(served->model);
  served->popular = std::move(popular);
  served->cold_consumed = std::move(cold_consumed);
  served->watermark = record.artifact.watermark;
  return served;
}

void ModelManager::Publish(const ServedModel& loaded, absl::Time activated_at) {
  auto published = std::make_shared<ServedModel>(loaded);
  published->activated_at = activated_at;
  holder_.Swap(std::move(published));
  recent_.ForgetUpTo(loaded.watermark);
  if (on_published_) on_published_();
}

absl::Status ModelManager::LoadActive() {
  ASSIGN_OR_RETURN(std::optional<registry::ModelRecord> active, registry_.Active());
  if (!active) {
    spdlog::info("no active model in the registry yet");
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const ServedModel> served, Load(*active));
  std::lock_guard lock(activation_mutex_);
  Publish(*served, absl::FromUnixSeconds(active->created_at));
  spdlog::info("serving model {} ({} users, {} titles)", active->id, served->model->n_users(),
               served->model->n_items());
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ModelManager::Activate(int64_t model_id) {
  ASSIGN_OR_RETURN(registry::ModelRecord record, registry_.Get(model_id));
  ASSIGN_OR_RETURN(std::shared_ptr<const ServedModel> served, Load(record));
  return Activate(record, std::move(served));
}

absl::StatusOr<int64_t> ModelManager::Activate(const registry::ModelRecord& record,
                                               std::shared_ptr<const ServedModel> loaded) {
  std::lock_guard lock(activation_mutex_);
  // The registry first: a crash between the two steps restarts serving the model the registry
  // names, which is already the new one.
  ASSIGN_OR_RETURN(std::optional<int64_t> previous, registry_.Activate(record.id));
  Publish(*loaded, absl::Now());
  spdlog::info("model {} now serving (was {})", record.id, previous.value_or(0));
  return previous.value_or(0);
}

absl::Status ModelManager::Delete(int64_t model_id) {
  std::lock_guard lock(activation_mutex_);
  ASSIGN_OR_RETURN(std::string path, registry_.Delete(model_id));
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  std::filesystem::remove(PopularityPath(path), ignored);
  std::filesystem::remove(ColdConsumptionPath(path), ignored);
  spdlog::info("model {} deleted ({})", model_id, path);
  return absl::OkStatus();
}

}  // namespace vitrina::server
