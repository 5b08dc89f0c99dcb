#pragma once

#include <functional>

#include "registry/model_registry.h"
#include "server/admin_auth.h"
#include "server/replication_event_log.h"
#include "vitrina/v1/replication.grpc.pb.h"

namespace vitrina::server {

// The primary's side of replication (vitrina.v1.Replication): model manifests and files, and the
// Watch stream over the event log. Synchronous handlers: a Watch holds one thread of gRPC's sync
// pool for as long as its replica follows, which for a handful of replicas is the simple choice.
class ReplicationService final : public v1::Replication::Service {
 public:
  // `snapshot` gives what serves now and the whole blacklist (the start of a replica that cannot
  // continue from its version).
  ReplicationService(const registry::ModelRegistry& registry, const ReplicationEventLog& log, const AdminAuth& auth,
                     std::function<v1::ReplicationSnapshot()> snapshot)
      : registry_(registry), log_(log), auth_(auth), snapshot_(std::move(snapshot)) {}

  grpc::Status GetModelManifest(grpc::ServerContext* context, const v1::GetModelManifestRequest* request,
                                v1::ModelManifest* response) override;
  grpc::Status FetchModelFile(grpc::ServerContext* context, const v1::FetchModelFileRequest* request,
                              grpc::ServerWriter<v1::ModelFileChunk>* writer) override;
  grpc::Status Watch(grpc::ServerContext* context, const v1::WatchRequest* request,
                     grpc::ServerWriter<v1::ReplicationEvent>* writer) override;

 private:
  grpc::Status Authorize(const grpc::ServerContext& context) const;
  // A ready (not deleted) model.
  absl::StatusOr<registry::ModelRecord> LiveModel(int64_t model_id) const;

  const registry::ModelRegistry& registry_;
  const ReplicationEventLog& log_;
  const AdminAuth& auth_;
  std::function<v1::ReplicationSnapshot()> snapshot_;
};

}  // namespace vitrina::server
