#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <string>
#include <vector>

#include "blacklist/blacklist_manager.h"
#include "cache/result_cache.h"
#include "prometheus/metric_family.h"
#include "registry/hot_interaction_store.h"
#include "registry/model_registry.h"
#include "server/admin_auth.h"
#include "server/admin_core.h"
#include "server/model_manager.h"
#include "server/experiment_manager.h"
#include "server/realtime_updates.h"
#include "server/recent_consumption.h"
#include "server/replica_interaction_effects.h"
#include "server/recommender_core.h"
#include "server/server_config.h"
#include "server/session_feedback.h"
#include "vitrina/v1/admin.grpc.pb.h"
#include "vitrina/v1/replication.grpc.pb.h"

namespace vitrina::server {

class ReplicationEventLog;
class ReplicationRecordingAdmin;
class ReplicationService;
class ReplicaModelSync;
class ReplicaFollower;
class ReplicaForwardingAdmin;
class ReplicaRecommender;
class ReplicaInteractionQueue;

// An instance's part in replication, wired once by Application. A primary (jobs.enabled, no
// replication.primary) keeps the event log, serves vitrina.v1.Replication and logs every change its
// replicas must repeat. A read replica (replication.primary) follows its primary, sends writes to
// it and refuses TrainModel. A server with jobs.enabled false and no primary is neither.
class ReplicationRole {
 public:
  struct Parts {
    const ServerConfig& config;
    registry::ModelRegistry& registry;
    registry::HotInteractionStore& hot_interactions;
    ModelManager& models;
    const ModelHolder& holder;
    const NextTitleHolder& next_titles;
    blacklist::BlacklistManager& blacklist;
    cache::ResultCache& cache;
    RecentConsumption& recent;
    SessionFeedback& session_feedback;
    const AdminAuth& auth;
    ExperimentManager& experiments;
    const RealtimeUpdates* realtime;  // null: real-time answers are off
  };
  // `admin` and `recommender` are the instance's own cores; the edges take admin() and
  // recommender() instead.
  ReplicationRole(Parts parts, AdminCore& admin, RecommenderCore& recommender);
  ~ReplicationRole();

  AdminCore& admin() { return *admin_edge_; }
  RecommenderCore& recommender() { return *recommender_edge_; }

  // The Replication service, on a primary.
  void RegisterServices(grpc::ServerBuilder& builder);
  // A replica starts following; a primary logs each publication of a model from now on. Returns
  // the callback ModelManager runs after each publication.
  void Start();
  // Ends Watch streams (both sides), so that the gRPC server can drain.
  void Stop();
  // A primary's record of what serves now (after ModelManager published a model).
  void OnPublished();

  bool is_replica() const { return follower_ != nullptr; }
  // Added to /health's detail (the replica keeps SERVING): empty when all is well.
  std::string HealthDetail() const;
  void AppendMetrics(std::vector<prometheus::MetricFamily>& families) const;

 private:
  Parts p_;
  AdminCore* admin_edge_;
  RecommenderCore* recommender_edge_;
  // Primary.
  std::unique_ptr<ReplicationEventLog> log_;
  std::unique_ptr<ReplicationRecordingAdmin> recording_admin_;
  std::unique_ptr<ReplicationService> service_;
  std::mutex published_mutex_;
  std::pair<int64_t, int64_t> logged_models_{0, 0};  // personal, next-title
  // Replica.
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Replication::StubInterface> replication_stub_;
  std::unique_ptr<v1::Admin::StubInterface> admin_stub_;
  std::unique_ptr<ReplicaInteractionEffects> interaction_effects_;
  std::unique_ptr<ReplicaModelSync> model_sync_;
  std::unique_ptr<ReplicaFollower> follower_;
  std::unique_ptr<ReplicaForwardingAdmin> forwarding_admin_;
  std::unique_ptr<ReplicaRecommender> replica_recommender_;
  std::unique_ptr<ReplicaInteractionQueue> feedback_queue_;
};

}  // namespace vitrina::server
