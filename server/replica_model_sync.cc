#include "server/replica_model_sync.h"

#include <fcntl.h>
#include <grpcpp/client_context.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

namespace {

// One attempt at one file; a larger model resumes in the next attempt where this one stopped.
constexpr std::chrono::minutes kFetchDeadline(10);
constexpr std::chrono::seconds kManifestDeadline(60);

// Renames the whole download of `folder` into place, replacing an older copy (a model fetched
// again), so that the folder is either absent or complete.
absl::Status PlaceDownloadedFolder(const std::string& folder) {
  const std::string download = folder + std::string(kFolderDownloadSuffix);
  std::error_code error;
  std::filesystem::remove_all(folder, error);
  if (error) return absl::InternalError(fmt::format("cannot remove the old {}: {}", folder, error.message()));
  std::filesystem::rename(download, folder, error);
  if (error) return absl::InternalError(fmt::format("cannot rename {} to {}: {}", download, folder, error.message()));
  const std::string parent = std::filesystem::path(folder).parent_path().string();
  if (const int fd = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);  // the rename survives a crash
    ::close(fd);
  }
  return absl::OkStatus();
}

}  // namespace

void AddAdminToken(grpc::ClientContext& context, const std::string& token) {
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
}

absl::Status FromPrimary(const grpc::Status& status, std::string_view primary) {
  if (status.ok()) return absl::OkStatus();
  const auto code = static_cast<absl::StatusCode>(status.error_code());
  if (code == absl::StatusCode::kUnavailable || code == absl::StatusCode::kDeadlineExceeded) {
    return absl::Status(code, fmt::format("the primary at {} did not answer: {}", primary, status.error_message()));
  }
  return absl::Status(code, status.error_message());
}

void ReplicaModelSync::Cancel() {
  std::lock_guard lock(cancel_mutex_);
  cancelled_ = true;
  if (transfer_ != nullptr) transfer_->TryCancel();
}

std::string ReplicaModelSync::LocalModelPath(int64_t model_id) const {
  return (std::filesystem::path(p_.models_dir) / fmt::format("replicated-model-{}.vtm", model_id)).string();
}

absl::Status ReplicaModelSync::Serve(int64_t model_id) {
  if (model_id <= 0) return absl::OkStatus();
  if (auto served = p_.holder.Current(); served && served->model_id == model_id) return absl::OkStatus();
  if (auto served = p_.next_titles.Current(); served && served->model_id == model_id) return absl::OkStatus();
  absl::StatusOr<registry::ModelRecord> local = p_.registry.Get(model_id);
  if (!local.ok() && !absl::IsNotFound(local.status())) return local.status();
  if (local.ok()) {
    if (local->status == registry::ModelStatus::kDeleted) {
      return absl::FailedPreconditionError(
          fmt::format("model {} was deleted on this replica: it cannot serve it again", model_id));
    }
    absl::StatusOr<int64_t> activated = p_.models.Activate(model_id);
    if (activated.ok()) return absl::OkStatus();
    spdlog::warn("replica: the local copy of model {} does not serve ({}): fetching it again", model_id,
                 std::string(activated.status().message()));
  }
  ASSIGN_OR_RETURN(registry::ModelRecord record, Fetch(model_id, local.ok()));
  RETURN_IF_ERROR(p_.models.Activate(model_id).status());
  return absl::OkStatus();
}

absl::Status ReplicaModelSync::Hold(int64_t model_id) {
  if (model_id <= 0) return absl::OkStatus();
  absl::StatusOr<registry::ModelRecord> local = p_.registry.Get(model_id);
  if (!local.ok() && !absl::IsNotFound(local.status())) return local.status();
  if (local.ok()) {
    if (local->status == registry::ModelStatus::kDeleted) {
      return absl::FailedPreconditionError(
          fmt::format("model {} was deleted on this replica: it cannot serve it again", model_id));
    }
    std::error_code error;
    if (std::filesystem::is_regular_file(local->artifact.file_path, error)) return absl::OkStatus();
  }
  return Fetch(model_id, local.ok()).status();
}

absl::StatusOr<registry::ModelRecord> ReplicaModelSync::Fetch(int64_t model_id, bool recorded) {
  const auto started = std::chrono::steady_clock::now();
  v1::ModelManifest manifest;
  {
    grpc::ClientContext context;
    AddAdminToken(context, p_.admin_token);
    context.set_deadline(std::chrono::system_clock::now() + kManifestDeadline);
    v1::GetModelManifestRequest request;
    request.set_model_id(model_id);
    RETURN_IF_ERROR(FromPrimary(primary_.GetModelManifest(&context, request, &manifest), p_.primary));
  }
  const v1::ReplicatedModel& model = manifest.model();
  std::optional<registry::ModelRole> role = registry::ParseModelRole(model.role());
  if (!role) return absl::DataLossError(fmt::format("the primary named an unknown role '{}'", model.role()));
  const std::string path = LocalModelPath(model_id);
  if (recorded) {
    ASSIGN_OR_RETURN(registry::ModelRecord local, p_.registry.Get(model_id));
    if (local.artifact.checksum != model.checksum()) {
      return absl::FailedPreconditionError(fmt::format(
          "model {} of this replica's registry has checksum {}, the primary's has {}: this data_dir did not come "
          "from this primary",
          model_id, local.artifact.checksum, model.checksum()));
    }
  }
  std::error_code ignored;
  std::filesystem::create_directories(p_.models_dir, ignored);
  int64_t bytes = 0;
  std::set<std::string> folders;  // beside the model (its ANN index), gathered under a download name
  for (const v1::ModelFileDescription& file : manifest.files()) {
    RETURN_IF_ERROR(ModelFilePath(path, file.suffix()).status());
    std::string file_path = path + file.suffix();
    if (std::optional<std::string_view> folder = FolderOfSuffix(file.suffix())) {
      const std::string download = path + std::string(*folder) + std::string(kFolderDownloadSuffix);
      if (folders.insert(std::string(*folder)).second) std::filesystem::create_directories(download, ignored);
      file_path = download + std::string(file.suffix().substr(folder->size()));
    }
    RETURN_IF_ERROR(DownloadModelFile(file, file_path, [&](int64_t offset, const auto& sink) {
      return FetchChunks(model_id, file.suffix(), offset, sink);
    }));
    bytes += file.size_bytes();
  }
  for (const std::string& folder : folders) RETURN_IF_ERROR(PlaceDownloadedFolder(path + folder));
  spdlog::info("replica: fetched model {} ({} files, {} bytes) in {} ms", model_id, manifest.files_size(), bytes,
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  if (recorded) return p_.registry.Get(model_id);
  registry::ModelArtifact artifact;
  artifact.params_json = model.params_json();
  artifact.metrics_json = model.metrics_json();
  artifact.dataset_json = model.dataset_json();
  artifact.file_path = path;
  artifact.checksum = model.checksum();
  artifact.size_bytes = model.size_bytes();
  artifact.n_users = model.n_users();
  artifact.n_titles = model.n_titles();
  artifact.watermark = model.watermark_unix();
  artifact.role = *role;
  return p_.registry.InsertReplicated(model_id, model.created_at_unix(), std::move(artifact));
}

absl::Status ReplicaModelSync::FetchChunks(int64_t model_id, const std::string& suffix, int64_t offset,
                                           const std::function<absl::Status(std::string_view)>& sink) {
  grpc::ClientContext context;
  AddAdminToken(context, p_.admin_token);
  context.set_deadline(std::chrono::system_clock::now() + kFetchDeadline);
  v1::FetchModelFileRequest request;
  request.set_model_id(model_id);
  request.set_suffix(suffix);
  request.set_offset(offset);
  {
    std::lock_guard lock(cancel_mutex_);
    if (cancelled_) return absl::CancelledError("the server is shutting down");
    transfer_ = &context;
  }
  std::unique_ptr<grpc::ClientReaderInterface<v1::ModelFileChunk>> reader = primary_.FetchModelFile(&context, request);
  v1::ModelFileChunk chunk;
  absl::Status written = absl::OkStatus();
  while (written.ok() && reader->Read(&chunk)) {
    if (chunk.offset() != offset) {
      written = absl::DataLossError(fmt::format("the primary sent bytes from {}, expected {}", chunk.offset(), offset));
      break;
    }
    written = sink(chunk.data());
    offset += static_cast<int64_t>(chunk.data().size());
  }
  if (!written.ok()) context.TryCancel();
  const grpc::Status finished = reader->Finish();
  {
    std::lock_guard lock(cancel_mutex_);
    transfer_ = nullptr;
  }
  RETURN_IF_ERROR(written);
  return FromPrimary(finished, p_.primary);
}

}  // namespace vitrina::server
