#pragma once

#include <grpcpp/client_context.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "blacklist/blacklist_manager.h"
#include "cache/result_cache.h"
#include "cache/throttled_warning.h"
#include "prometheus/metric_family.h"
#include "server/experiment_manager.h"
#include "server/replica_interaction_effects.h"
#include "server/replica_model_sync.h"
#include "vitrina/v1/replication.grpc.pb.h"

namespace vitrina::server {

// A read replica following its primary: one thread holds a Watch stream open and applies each
// event (serve the activated models, blacklist changes, cache invalidations, recorded and deleted
// interactions, the running experiments) in order; on a broken stream it reconnects with backoff (0.1 s doubling to 5 s)
// and continues from the last version it applied, or takes the primary's full snapshot (active
// models, the whole blacklist, the running experiments) when the primary cannot continue from
// there. While the primary is away the replica keeps serving what it has. A model or an
// experiment that fails to serve is tried again every few seconds; later events are applied
// meanwhile.
class ReplicaFollower {
 public:
  struct Parts {
    ReplicaModelSync& models;
    blacklist::BlacklistManager& blacklist;
    cache::ResultCache& cache;
    const ReplicaInteractionEffects& interactions;
    ExperimentManager& experiments;
    std::string primary;
    std::string admin_token;
  };
  ReplicaFollower(Parts parts, v1::Replication::StubInterface& primary);
  ~ReplicaFollower() { Stop(); }

  void Start();
  void Stop();

  struct Status {
    bool connected = false;
    uint64_t log_id = 0;
    uint64_t version = 0;        // the last version applied
    absl::Time last_message_at;  // anything from the primary, heartbeats included (InfinitePast: never)
    absl::Time disconnected_since;
    uint64_t snapshots = 0;      // full resyncs taken
    uint64_t apply_errors = 0;
    std::string last_error;
  };
  Status status() const;
  // What /health adds: empty while following, otherwise why not (the replica still serves).
  std::string HealthDetail() const;
  std::vector<prometheus::MetricFamily> Collect() const;

 private:
  void Run();
  // One Watch stream until it breaks or Stop().
  absl::Status FollowOnce();
  void Apply(const v1::ReplicationEvent& event);
  void ApplySnapshot(const v1::ReplicationSnapshot& snapshot);
  void ApplyBlacklist(const v1::BlacklistChanged& change);
  void WantModels(const v1::ModelsActivated& models);
  void WantExperiments(const google::protobuf::RepeatedPtrField<v1::Experiment>& running);
  // Fetches the models the wanted experiments' arms name, then runs exactly those experiments;
  // after a failure, not again before the retry time.
  void ServeWantedExperiments();
  // Serves the wanted models not yet serving; after a failure, not again before the retry time.
  void ServeWantedModels();
  void RecordError(const absl::Status& error);

  Parts p_;
  v1::Replication::StubInterface& stub_;
  std::thread thread_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  grpc::ClientContext* stream_ = nullptr;  // the open Watch, cancelled by Stop()
  Status status_;

  // Touched by the follower thread only.
  std::vector<int64_t> wanted_models_;  // personal and next-title
  std::chrono::steady_clock::time_point retry_models_at_{};
  std::optional<std::vector<v1::Experiment>> wanted_experiments_;  // the primary's running ones, not yet serving
  std::chrono::steady_clock::time_point retry_experiments_at_{};
  cache::ThrottledWarning reconnect_warnings_{"replication", std::chrono::seconds(30)};
};

}  // namespace vitrina::server
