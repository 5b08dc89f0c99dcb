#include "server/replication_role.h"

#include <grpcpp/create_channel.h>

#include "server/replica_follower.h"
#include "server/replica_forwarding_admin.h"
#include "server/replica_interaction_queue.h"
#include "server/replica_model_sync.h"
#include "server/replica_recommender.h"
#include "server/replication_event_log.h"
#include "server/replication_recording_admin.h"
#include "server/replication_service.h"
#include "server/metric_families.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

namespace {

std::pair<int64_t, int64_t> ServedIds(const ModelHolder& holder, const NextTitleHolder& next_titles) {
  auto personal = holder.Current();
  auto next_title = next_titles.Current();
  return {personal ? personal->model_id : 0, next_title ? next_title->model_id : 0};
}

// Session feedback waiting for an unreachable primary: at ~100 listeners' calls a second, about
// ten minutes of outage.
constexpr size_t kFeedbackQueueCapacity = 65'536;

}  // namespace

ReplicationRole::ReplicationRole(Parts parts, AdminCore& admin, RecommenderCore& recommender)
    : p_(parts), admin_edge_(&admin), recommender_edge_(&recommender) {
  const ServerConfig& c = p_.config;
  if (c.is_replica()) {
    grpc::ChannelArguments arguments;
    // A replica notices a silent primary (a cut network) by keepalive, not only by heartbeats.
    arguments.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 10'000);
    arguments.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 5'000);
    arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5'000);
    arguments.SetMaxReceiveMessageSize(-1);
    channel_ = grpc::CreateCustomChannel(c.replication.primary, grpc::InsecureChannelCredentials(), arguments);
    replication_stub_ = v1::Replication::NewStub(channel_);
    admin_stub_ = v1::Admin::NewStub(channel_);
    model_sync_ = std::make_unique<ReplicaModelSync>(
        ReplicaModelSync::Parts{p_.registry, p_.models, p_.holder, p_.next_titles, c.models_dir,
                                c.replication.primary, c.admin_token},
        *replication_stub_);
    interaction_effects_ = std::make_unique<ReplicaInteractionEffects>(p_.recent, p_.cache, p_.realtime);
    follower_ = std::make_unique<ReplicaFollower>(
        ReplicaFollower::Parts{*model_sync_, p_.blacklist, p_.cache, *interaction_effects_, p_.experiments,
                               c.replication.primary, c.admin_token},
        *replication_stub_);
    forwarding_admin_ = std::make_unique<ReplicaForwardingAdmin>(admin, *admin_stub_, c.replication.primary,
                                                                 c.admin_token, *interaction_effects_);
    replica_recommender_ = std::make_unique<ReplicaRecommender>(recommender, c.replication.primary);
    admin_edge_ = forwarding_admin_.get();
    recommender_edge_ = replica_recommender_.get();
    ReplicaForwardingAdmin* forwarding = forwarding_admin_.get();
    feedback_queue_ = std::make_unique<ReplicaInteractionQueue>(
        [forwarding](const registry::HotInteraction& interaction) { return forwarding->RecordOnPrimary(interaction); },
        kFeedbackQueueCapacity);
    ReplicaInteractionQueue* queue = feedback_queue_.get();
    p_.session_feedback.RecordThrough([queue](const registry::HotInteraction& interaction) {
      queue->Push(interaction);
      return absl::OkStatus();
    });
  } else if (c.jobs_enabled) {
    log_ = std::make_unique<ReplicationEventLog>(static_cast<size_t>(c.replication.event_log_capacity));
    recording_admin_ = std::make_unique<ReplicationRecordingAdmin>(admin, *log_);
    admin_edge_ = recording_admin_.get();
    ReplicationEventLog* log = log_.get();
    const ModelHolder* holder = &p_.holder;
    const NextTitleHolder* next_titles = &p_.next_titles;
    blacklist::BlacklistManager* blacklist = &p_.blacklist;
    const ExperimentManager* experiments = &p_.experiments;
    service_ = std::make_unique<ReplicationService>(p_.registry, *log_, p_.auth, [holder, next_titles, blacklist,
                                                                                  experiments] {
      v1::ReplicationSnapshot snapshot;
      const auto [personal, next_title] = ServedIds(*holder, *next_titles);
      snapshot.mutable_models()->set_personal_model_id(personal);
      snapshot.mutable_models()->set_next_title_model_id(next_title);
      for (const blacklist::BlacklistEntry& entry : blacklist->Snapshot()->entries()) {
        v1::BlacklistEntry* out = snapshot.add_blacklist();
        out->set_title_id(entry.title_id);
        if (entry.user_id) out->set_user_id(*entry.user_id);
        out->set_reason(entry.reason);
        out->mutable_created_at()->set_seconds(entry.created_at);
      }
      if (absl::StatusOr<std::vector<v1::Experiment>> listed = experiments->List(); listed.ok()) {
        for (v1::Experiment& experiment : *listed) {
          if (experiment.state() == v1::Experiment::RUNNING) *snapshot.add_running_experiments() = std::move(experiment);
        }
      } else {
        // Replicas keep the experiments they run until the next snapshot or change.
        spdlog::error("replication snapshot without the running experiments: {}", std::string(listed.status().message()));
      }
      return snapshot;
    });
    registry::HotInteractionStore* store = &p_.hot_interactions;
    p_.session_feedback.RecordThrough([store, log](const registry::HotInteraction& interaction) -> absl::Status {
      if (absl::Status stored = store->Append(interaction); !stored.ok()) return stored;
      v1::ReplicationEvent event;
      v1::InteractionRecorded& recorded = *event.mutable_interaction_recorded();
      recorded.set_user_id(interaction.user_id);
      recorded.set_title_id(interaction.title_id);
      recorded.set_at_unix(interaction.timestamp);
      recorded.set_type(interaction.type);
      recorded.set_value(interaction.value);
      log->Append(std::move(event));
      return absl::OkStatus();
    });
    logged_models_ = ServedIds(p_.holder, p_.next_titles);
  }
}

ReplicationRole::~ReplicationRole() { Stop(); }

void ReplicationRole::RegisterServices(grpc::ServerBuilder& builder) {
  if (service_) builder.RegisterService(service_.get());
}

void ReplicationRole::Start() {
  if (follower_) {
    spdlog::info("read replica of the primary at {}", p_.config.replication.primary);
    follower_->Start();
    feedback_queue_->Start();
  }
}

void ReplicationRole::Stop() {
  if (follower_) follower_->Stop();
  if (feedback_queue_) feedback_queue_->Stop();
  if (log_) log_->Close();
}

void ReplicationRole::OnPublished() {
  if (!log_) return;
  std::lock_guard lock(published_mutex_);
  const std::pair<int64_t, int64_t> served = ServedIds(p_.holder, p_.next_titles);
  if (served == logged_models_) return;
  logged_models_ = served;
  v1::ReplicationEvent event;
  event.mutable_models_activated()->set_personal_model_id(served.first);
  event.mutable_models_activated()->set_next_title_model_id(served.second);
  log_->Append(std::move(event));
}

std::string ReplicationRole::HealthDetail() const { return follower_ ? follower_->HealthDetail() : ""; }

void ReplicationRole::AppendMetrics(std::vector<prometheus::MetricFamily>& families) const {
  if (follower_) {
    for (prometheus::MetricFamily& family : follower_->Collect()) families.push_back(std::move(family));
    families.push_back(GaugeFamily("vitrina_replication_feedback_pending",
                                   "Session feedback interactions waiting to be recorded on the primary.",
                                   {{{}, static_cast<double>(feedback_queue_->pending())}}));
    families.push_back(CounterFamily("vitrina_replication_feedback_dropped_total",
                                     "Session feedback interactions lost: the queue overflowed or the primary refused them.",
                                     {{{}, static_cast<double>(feedback_queue_->dropped())}}));
  }
}

}  // namespace vitrina::server
