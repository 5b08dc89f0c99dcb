#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "registry/model_registry.h"
#include "server/model_manager.h"
#include "server/replication_files.h"
#include "vitrina/v1/replication.grpc.pb.h"

namespace vitrina::server {

// A replica's copy of the primary's models: serves the model the primary names, from the local
// registry when the replica already holds it, otherwise fetched first (manifest, then each file,
// resumable and checksum-verified, see DownloadModelFile), recorded in the local registry under the
// primary's id, and activated through ModelManager (load, check against the registry's checksum,
// swap). Used by one thread (the follower).
class ReplicaModelSync {
 public:
  struct Parts {
    registry::ModelRegistry& registry;
    ModelManager& models;
    const ModelHolder& holder;
    const NextTitleHolder& next_titles;
    std::string models_dir;
    std::string primary;      // its address, for messages
    std::string admin_token;  // sent to the primary; empty: none
  };
  ReplicaModelSync(Parts parts, v1::Replication::StubInterface& primary) : p_(std::move(parts)), primary_(primary) {}

  // Serves `model_id` in its role; 0 (the primary serves nothing of that role) changes nothing.
  absl::Status Serve(int64_t model_id);

  // Makes sure the replica holds `model_id` (an experiment's arm serves it beside the active
  // model): fetched and recorded when it does not, never activated. 0 ("active") needs nothing.
  absl::Status Hold(int64_t model_id);

  // Ends a fetch under way and refuses later ones (shutdown): a large model would otherwise hold
  // the follower, and so the server's shutdown, for as long as its transfer takes.
  void Cancel();

  // Where the replica keeps a model fetched from the primary.
  std::string LocalModelPath(int64_t model_id) const;

 private:
  // Downloads the model's files and records it; returns the record.
  absl::StatusOr<registry::ModelRecord> Fetch(int64_t model_id, bool recorded);
  absl::Status FetchChunks(int64_t model_id, const std::string& suffix, int64_t offset,
                           const std::function<absl::Status(std::string_view)>& sink);

  Parts p_;
  v1::Replication::StubInterface& primary_;
  std::mutex cancel_mutex_;
  bool cancelled_ = false;
  grpc::ClientContext* transfer_ = nullptr;  // the file stream open now
};

// Adds `authorization: Bearer <token>` unless the token is empty.
void AddAdminToken(grpc::ClientContext& context, const std::string& token);

// A gRPC status from the primary as an absl::Status naming the primary for the codes that mean it
// was not reached.
absl::Status FromPrimary(const grpc::Status& status, std::string_view primary);

}  // namespace vitrina::server
