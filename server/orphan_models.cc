#include "server/orphan_models.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/cold_consumption.h"
#include "server/model_manager.h"
#include "server/popular_titles.h"
#include "server/proto_conversion.h"
#include "trainer/model_file.h"

namespace vitrina::server {
namespace {

// The same file however its path is spelled (relative, through symlinks, `..`).
std::string Canonical(const std::string& path) {
  std::error_code error;
  std::filesystem::path canonical = std::filesystem::weakly_canonical(path, error);
  return error ? path : canonical.string();
}

v1::TrainingParams ParamsOf(const trainer::Hyperparameters& h) {
  v1::TrainingParams params;
  params.set_no_components(h.no_components);
  switch (h.loss) {
    case trainer::LossKind::kLogistic: params.set_loss(v1::LOGISTIC); break;
    case trainer::LossKind::kBpr: params.set_loss(v1::BPR); break;
    case trainer::LossKind::kWarp: params.set_loss(v1::WARP); break;
    case trainer::LossKind::kWarpKos: params.set_loss(v1::WARP_KOS); break;
  }
  params.set_learning_schedule(h.learning_schedule == trainer::LearningSchedule::kAdadelta ? v1::ADADELTA
                                                                                            : v1::ADAGRAD);
  params.set_learning_rate(h.learning_rate);
  params.set_rho(h.rho);
  params.set_epsilon(h.epsilon);
  params.set_item_alpha(h.item_alpha);
  params.set_user_alpha(h.user_alpha);
  params.set_max_sampled(h.max_sampled);
  params.set_kos_k(h.k);
  params.set_kos_n(h.n);
  params.set_seed(h.random_state);
  return params;
}

absl::StatusOr<registry::UnixSeconds> ModificationTime(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(fmt::format("cannot stat {}: {}", path, std::strerror(errno)));
  }
  return static_cast<registry::UnixSeconds>(info.st_mtim.tv_sec);
}

}  // namespace

absl::StatusOr<std::vector<std::string>> FindOrphanModelFiles(const std::string& models_dir,
                                                              const registry::ModelRegistry& registry) {
  ASSIGN_OR_RETURN(auto registered, registry.FilePaths());
  std::set<std::string> known;
  for (const auto& [model_id, path] : registered) known.insert(Canonical(path));
  std::vector<std::string> orphans;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(models_dir, error)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".vtm") continue;
    std::string path = Canonical(entry.path().string());
    if (!known.contains(path)) orphans.push_back(std::move(path));
  }
  if (error && error != std::errc::no_such_file_or_directory) {
    return absl::FailedPreconditionError(fmt::format("cannot list {}: {}", models_dir, error.message()));
  }
  std::sort(orphans.begin(), orphans.end());
  return orphans;
}

absl::StatusOr<registry::ModelRecord> RegisterModelFile(registry::ModelRegistry& registry, const std::string& path) {
  const std::string file = Canonical(path);
  ASSIGN_OR_RETURN(auto registered, registry.FilePaths());
  for (const auto& [model_id, known] : registered) {
    if (Canonical(known) == file) {
      return absl::AlreadyExistsError(fmt::format("{} is already registered as model {}", file, model_id));
    }
  }
  trainer::ModelFileInfo info;
  ASSIGN_OR_RETURN(trainer::Model model, trainer::LoadModel(file, &info));
  // What serving needs beside the model file: checked now rather than at activation.
  absl::StatusOr<std::shared_ptr<const PopularTitles>> popular =
      PopularTitles::Load(ModelManager::PopularityPath(file));
  if (!popular.ok()) {
    return absl::FailedPreconditionError(fmt::format("{} cannot serve without its popularity snapshot: {}", file,
                                                     std::string(popular.status().message())));
  }
  RETURN_IF_ERROR(ColdConsumption::Load(ModelManager::ColdConsumptionPath(file)).status());
  ASSIGN_OR_RETURN(registry::UnixSeconds modified, ModificationTime(file));

  registry::ModelArtifact artifact;
  artifact.params_json = ToJson(ParamsOf(model.hyperparameters()));
  artifact.file_path = file;
  artifact.checksum = info.checksum_hex;
  artifact.size_bytes = static_cast<int64_t>(info.size_bytes);
  artifact.n_users = model.n_users();
  artifact.n_titles = model.n_items();
  artifact.watermark = modified;
  return registry.Insert(artifact);
}

std::string ReRegisterCommand(const std::string& registry_path, const std::vector<std::string>& files) {
  return fmt::format("vitrina-registry --registry {} register {}", Canonical(registry_path), fmt::join(files, " "));
}

}  // namespace vitrina::server
