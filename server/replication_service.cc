#include "server/replication_service.h"

#include <chrono>

#include "absl/time/clock.h"
#include "fmt/format.h"
#include "server/replication_files.h"
#include "server/status_conversion.h"

namespace vitrina::server {

namespace {

constexpr size_t kChunkBytes = 256 * 1024;  // well under gRPC's 4 MiB message limit
constexpr size_t kEventsPerRead = 512;
constexpr std::chrono::milliseconds kHeartbeatInterval(1000);

}  // namespace

grpc::Status ReplicationService::Authorize(const grpc::ServerContext& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  std::string_view header = it == metadata.end() ? std::string_view() : std::string_view(it->second.data(), it->second.size());
  return ToGrpcStatus(auth_.Check(header));
}

absl::StatusOr<registry::ModelRecord> ReplicationService::LiveModel(int64_t model_id) const {
  if (model_id <= 0) return absl::InvalidArgumentError(fmt::format("model_id must be a positive id, got {}", model_id));
  absl::StatusOr<registry::ModelRecord> record = registry_.Get(model_id);
  if (record.ok() && record->status == registry::ModelStatus::kDeleted) {
    return registry::DeletedModelError(record->id, record->deleted_at);
  }
  return record;
}

grpc::Status ReplicationService::GetModelManifest(grpc::ServerContext* context,
                                                  const v1::GetModelManifestRequest* request,
                                                  v1::ModelManifest* response) {
  if (grpc::Status auth = Authorize(*context); !auth.ok()) return auth;
  absl::StatusOr<registry::ModelRecord> record = LiveModel(request->model_id());
  if (!record.ok()) return ToGrpcStatus(record.status());
  absl::StatusOr<v1::ModelManifest> manifest = DescribeModelFiles(*record);
  if (!manifest.ok()) return ToGrpcStatus(manifest.status());
  *response = std::move(manifest).value();
  return grpc::Status::OK;
}

grpc::Status ReplicationService::FetchModelFile(grpc::ServerContext* context, const v1::FetchModelFileRequest* request,
                                                grpc::ServerWriter<v1::ModelFileChunk>* writer) {
  if (grpc::Status auth = Authorize(*context); !auth.ok()) return auth;
  absl::StatusOr<registry::ModelRecord> record = LiveModel(request->model_id());
  if (!record.ok()) return ToGrpcStatus(record.status());
  absl::StatusOr<std::string> path = ModelFilePath(record->artifact.file_path, request->suffix());
  if (!path.ok()) return ToGrpcStatus(path.status());
  v1::ModelFileChunk chunk;
  absl::Status read = ReadFileChunks(*path, request->offset(), kChunkBytes, [&](int64_t offset, std::string_view data) {
    chunk.set_offset(offset);
    chunk.set_data(std::string(data));
    return !context->IsCancelled() && writer->Write(chunk);
  });
  if (absl::IsNotFound(read)) {
    return ToGrpcStatus(absl::NotFoundError(
        fmt::format("model {} has no file '{}' (suffix)", request->model_id(), request->suffix().substr(0, 64))));
  }
  return ToGrpcStatus(read);
}

grpc::Status ReplicationService::Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                                       grpc::ServerWriter<v1::ReplicationEvent>* writer) {
  if (grpc::Status auth = Authorize(*context); !auth.ok()) return auth;
  uint64_t version = request->since_version();
  bool from_snapshot = true;
  if (std::optional<std::vector<v1::ReplicationEvent>> first =
          request->log_id() == 0 ? std::nullopt : log_.After(request->log_id(), version, 0)) {
    from_snapshot = false;
  }
  while (!context->IsCancelled() && !log_.closed()) {
    if (from_snapshot) {
      // The version is read before the state: a change made meanwhile is in the snapshot and sent
      // again as an event, which replicas apply idempotently.
      v1::ReplicationEvent event;
      event.set_log_id(log_.log_id());
      event.set_version(log_.version());
      event.set_primary_time_unix_ms(absl::ToUnixMillis(absl::Now()));
      *event.mutable_snapshot() = snapshot_();
      if (!writer->Write(event)) return grpc::Status::OK;
      version = event.version();
      from_snapshot = false;
    }
    std::optional<std::vector<v1::ReplicationEvent>> events = log_.After(log_.log_id(), version, kEventsPerRead);
    if (!events) {  // fell behind by more than the log holds
      from_snapshot = true;
      continue;
    }
    for (const v1::ReplicationEvent& event : *events) {
      if (!writer->Write(event)) return grpc::Status::OK;
      version = event.version();
    }
    if (!events->empty()) continue;
    if (!log_.WaitBeyond(version, kHeartbeatInterval)) {
      v1::ReplicationEvent heartbeat;
      heartbeat.set_log_id(log_.log_id());
      heartbeat.set_version(version);
      heartbeat.set_primary_time_unix_ms(absl::ToUnixMillis(absl::Now()));
      heartbeat.mutable_heartbeat();
      if (!writer->Write(heartbeat)) return grpc::Status::OK;
    }
  }
  return grpc::Status::OK;
}

}  // namespace vitrina::server
