#include "server/model_manager.h"

#include <filesystem>
#include <limits>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "trainer/model_file.h"

namespace vitrina::server {

namespace {

// The model file of a registered model, checked: whole (its own CRC) and the file the registry recorded.
absl::StatusOr<trainer::Model> LoadCheckedFile(const registry::ModelRecord& record) {
  if (record.status == registry::ModelStatus::kDeleted) {
    return registry::DeletedModelError(record.id, record.deleted_at);
  }
  const std::string& path = record.artifact.file_path;
  trainer::ModelFileInfo info;
  absl::StatusOr<trainer::Model> model = trainer::LoadModel(path, &info);
  if (!model.ok()) {
    return absl::Status(model.status().code(),
                        fmt::format("model {}: {}", record.id, std::string(model.status().message())));
  }
  if (info.checksum_hex != record.artifact.checksum) {
    return absl::DataLossError(fmt::format("model {}: file {} has checksum {}, the registry recorded {}", record.id,
                                           path, info.checksum_hex, record.artifact.checksum));
  }
  return model;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const ServedNextTitleModel>> ModelManager::LoadNextTitle(
    const registry::ModelRecord& record) const {
  if (record.artifact.role != registry::ModelRole::kNextTitle) {
    return absl::FailedPreconditionError(fmt::format("model {} is not a next-title model", record.id));
  }
  ASSIGN_OR_RETURN(trainer::Model model, LoadCheckedFile(record));
  auto served = std::make_shared<ServedNextTitleModel>();
  served->model_id = record.id;
  served->model = std::make_shared<const trainer::Model>(std::move(model));
  return served;
}

absl::StatusOr<std::shared_ptr<const ServedModel>> ModelManager::Load(const registry::ModelRecord& record) const {
  if (record.artifact.role != registry::ModelRole::kPersonal) {
    return absl::FailedPreconditionError(
        fmt::format("model {} is a {} model, not a personal one", record.id, registry::ToString(record.artifact.role)));
  }
  absl::StatusOr<trainer::Model> model = LoadCheckedFile(record);
  if (!model.ok()) return model.status();
  const std::string& path = record.artifact.file_path;
  ASSIGN_OR_RETURN(std::shared_ptr<const PopularTitles> popular, PopularTitles::Load(PopularityPath(path)));
  ASSIGN_OR_RETURN(std::shared_ptr<const ColdConsumption> cold_consumed,
                   ColdConsumption::Load(ColdConsumptionPath(path)));
  auto served = std::make_shared<ServedModel>();
  served->model_id = record.id;
  served->model = std::make_shared<const trainer::Model>(std::move(model).value());
  served->sessions = std::make_shared<const sessions::SessionModel>(served->model);
  served->title_attributes =
      std::make_shared<const trainer::CsrMatrix>(served->model->dataset().items().SideFeatureMatrix());
  if (realtime_.enabled) served->overlay = std::make_shared<UserOverlay>(served->model, realtime_);
  served->popular = std::move(popular);
  served->cold_consumed = std::move(cold_consumed);
  served->watermark = record.artifact.watermark;
  if (served->model->n_items() >= ann_.min_titles) {
    const std::string folder = serving::ModelAnnIndex::FolderFor(path);
    absl::StatusOr<serving::ModelAnnIndex> ann =
        serving::ModelAnnIndex::Load(folder, record.artifact.checksum, *served->model, ann_.ef_search);
    if (ann.ok()) {
      served->ann = std::make_shared<const serving::ModelAnnIndex>(std::move(ann).value());
    } else {
      spdlog::error("model {} ({} titles, serving.ann.min_titles {}): its ANN index cannot serve, answers use the "
                    "exact pass: {}",
                    record.id, served->model->n_items(), ann_.min_titles, std::string(ann.status().message()));
    }
  }
  return served;
}

void ModelManager::Publish(const ServedModel& loaded, absl::Time activated_at, std::string note) {
  auto published = std::make_shared<ServedModel>(loaded);
  published->activated_at = activated_at;
  holder_.Swap(std::move(published), std::move(note));
  recent_.ForgetUpTo(loaded.watermark);
  if (on_published_) on_published_();
}

absl::Status ModelManager::LoadActive() {
  if (next_titles_ != nullptr) {
    ASSIGN_OR_RETURN(std::optional<registry::ModelRecord> next_title, registry_.Active(registry::ModelRole::kNextTitle));
    if (next_title) {
      absl::StatusOr<std::shared_ptr<const ServedNextTitleModel>> loaded = LoadNextTitle(*next_title);
      if (loaded.ok()) {
        auto published = std::make_shared<ServedNextTitleModel>(**loaded);
        published->activated_at = absl::FromUnixSeconds(next_title->created_at);
        next_titles_->Swap(std::move(published));
        spdlog::info("serving next-title model {} ({} previous titles)", next_title->id, (*loaded)->model->n_users());
      } else {
        spdlog::warn("the active next-title model does not load, the embedding stand-in answers instead: {}",
                     std::string(loaded.status().message()));
      }
    }
  }
  ASSIGN_OR_RETURN(std::optional<registry::ModelRecord> active, registry_.Active());
  if (!active) {
    spdlog::info("no active model in the registry yet");
    return absl::OkStatus();
  }
  absl::StatusOr<std::shared_ptr<const ServedModel>> served = Load(*active);
  if (served.ok()) {
    std::lock_guard lock(activation_mutex_);
    Publish(**served, absl::FromUnixSeconds(active->created_at));
    spdlog::info("serving model {} ({} users, {} titles)", active->id, (*served)->model->n_users(),
                 (*served)->model->n_items());
    return absl::OkStatus();
  }
  const std::string failure(served.status().message());
  spdlog::error("cannot serve the active model: {}", failure);
  // An older model beats serving nothing. The registry keeps the operator's choice rather than
  // moving the active flag to the fallback: the difference stays visible until someone decides.
  ASSIGN_OR_RETURN(std::vector<registry::ModelRecord> candidates, registry_.List(std::numeric_limits<int>::max()));
  for (const registry::ModelRecord& candidate : candidates) {
    if (candidate.id == active->id || candidate.artifact.role != registry::ModelRole::kPersonal) continue;
    absl::StatusOr<std::shared_ptr<const ServedModel>> fallback = Load(candidate);
    if (!fallback.ok()) {
      spdlog::warn("model {} cannot replace it either: {}", candidate.id, std::string(fallback.status().message()));
      continue;
    }
    std::string note = fmt::format(
        "{}; serving model {} instead, the newest model that loads (the registry still marks model {} active: "
        "ActivateModel chooses the model to serve)",
        failure, candidate.id, active->id);
    spdlog::warn("{}", note);
    std::lock_guard lock(activation_mutex_);
    Publish(**fallback, absl::FromUnixSeconds(candidate.created_at), std::move(note));
    return absl::OkStatus();
  }
  holder_.SetNoteWhileEmpty(fmt::format("no valid model: {}{}", failure,
                                        candidates.size() > 1 ? "; no other registered model loads either" : ""));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> ModelManager::Activate(int64_t model_id) {
  ASSIGN_OR_RETURN(registry::ModelRecord record, registry_.Get(model_id));
  if (record.artifact.role == registry::ModelRole::kNextTitle) {
    ASSIGN_OR_RETURN(std::shared_ptr<const ServedNextTitleModel> loaded, LoadNextTitle(record));
    return Activate(record, std::move(loaded));
  }
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

absl::StatusOr<int64_t> ModelManager::Activate(const registry::ModelRecord& record,
                                               std::shared_ptr<const ServedNextTitleModel> loaded) {
  if (next_titles_ == nullptr) {
    return absl::FailedPreconditionError("this server does not serve next-title models");
  }
  std::lock_guard lock(activation_mutex_);
  ASSIGN_OR_RETURN(std::optional<int64_t> previous, registry_.Activate(record.id));
  auto published = std::make_shared<ServedNextTitleModel>(*loaded);
  published->activated_at = absl::Now();
  next_titles_->Swap(std::move(published));
  if (on_published_) on_published_();
  spdlog::info("next-title model {} now serving (was {})", record.id, previous.value_or(0));
  return previous.value_or(0);
}

absl::Status ModelManager::Delete(int64_t model_id) {
  std::lock_guard lock(activation_mutex_);
  if (std::shared_ptr<const ServedModel> served = holder_.Current(); served && served->model_id == model_id) {
    return absl::FailedPreconditionError(fmt::format(
        "model {} is the model serving now: activate another one before deleting it", model_id));
  }
  if (in_use_check_) {
    if (std::optional<std::string> user = in_use_check_(model_id)) {
      return absl::FailedPreconditionError(fmt::format("model {} serves {}: stop it before deleting the model", model_id, *user));
    }
  }
  ASSIGN_OR_RETURN(std::string path, registry_.Delete(model_id));
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  std::filesystem::remove(PopularityPath(path), ignored);
  std::filesystem::remove(ColdConsumptionPath(path), ignored);
  std::filesystem::remove_all(serving::ModelAnnIndex::FolderFor(path), ignored);
  spdlog::info("model {} deleted ({})", model_id, path);
  return absl::OkStatus();
}

}  // namespace vitrina::server
