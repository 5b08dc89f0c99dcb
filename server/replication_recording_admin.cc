#include "server/replication_recording_admin.h"

#include "common/status_macros.h"
#include "registry/unix_time.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

absl::StatusOr<v1::InvalidateCacheResponse> ReplicationRecordingAdmin::InvalidateCache(
    const v1::InvalidateCacheRequest& request) {
  ASSIGN_OR_RETURN(v1::InvalidateCacheResponse response, inner_.InvalidateCache(request));
  v1::ReplicationEvent event;
  if (request.has_user_id()) event.mutable_cache_invalidated()->set_user_id(request.user_id());
  else event.mutable_cache_invalidated();
  log_.Append(std::move(event));
  return response;
}

void ReplicationRecordingAdmin::LogBlacklist(const v1::BlacklistRequest& request, bool added) {
  v1::ReplicationEvent event;
  v1::BlacklistChanged& change = *event.mutable_blacklist_changed();
  change.set_added(added);
  if (request.has_user_id()) change.set_user_id(request.user_id());
  *change.mutable_title_ids() = request.title_ids();
  change.set_reason(request.reason());
  log_.Append(std::move(event));
}

absl::StatusOr<v1::BlacklistResponse> ReplicationRecordingAdmin::AddToBlacklist(const v1::BlacklistRequest& request) {
  ASSIGN_OR_RETURN(v1::BlacklistResponse response, inner_.AddToBlacklist(request));
  if (response.changed() > 0) LogBlacklist(request, true);
  return response;
}

absl::StatusOr<v1::BlacklistResponse> ReplicationRecordingAdmin::RemoveFromBlacklist(
    const v1::BlacklistRequest& request) {
  ASSIGN_OR_RETURN(v1::BlacklistResponse response, inner_.RemoveFromBlacklist(request));
  if (response.changed() > 0) LogBlacklist(request, false);
  return response;
}

absl::StatusOr<v1::RecordInteractionResponse> ReplicationRecordingAdmin::RecordInteraction(
    const v1::RecordInteractionRequest& request) {
  ASSIGN_OR_RETURN(v1::RecordInteractionResponse response, inner_.RecordInteraction(request));
  v1::ReplicationEvent event;
  v1::InteractionRecorded& recorded = *event.mutable_interaction_recorded();
  recorded.set_user_id(request.user_id());
  recorded.set_title_id(request.title_id());
  recorded.set_at_unix(request.has_at() ? request.at().seconds() : registry::UnixNow());
  recorded.set_type(request.type());
  recorded.set_value(request.value());
  log_.Append(std::move(event));
  return response;
}

absl::StatusOr<v1::DeleteInteractionsResponse> ReplicationRecordingAdmin::DeleteInteractions(
    const v1::DeleteInteractionsRequest& request) {
  ASSIGN_OR_RETURN(v1::DeleteInteractionsResponse response, inner_.DeleteInteractions(request));
  if (response.deleted() > 0) {
    v1::ReplicationEvent event;
    if (request.has_user_id()) event.mutable_interactions_deleted()->set_user_id(request.user_id());
    else event.mutable_interactions_deleted();
    log_.Append(std::move(event));
  }
  return response;
}

void ReplicationRecordingAdmin::LogRunningExperiments() {
  std::lock_guard lock(experiments_mutex_);
  v1::ReplicationEvent event;
  absl::StatusOr<v1::ListExperimentsResponse> listed = inner_.ListExperiments(v1::ListExperimentsRequest());
  if (!listed.ok()) {
    // The change is made; replicas get it with their next snapshot (a reconnect).
    spdlog::error("cannot send the running experiments to the replicas: {}", std::string(listed.status().message()));
    return;
  }
  for (v1::Experiment& experiment : *listed->mutable_experiments()) {
    if (experiment.state() == v1::Experiment::RUNNING) {
      *event.mutable_experiments_changed()->add_running() = std::move(experiment);
    }
  }
  event.mutable_experiments_changed();
  log_.Append(std::move(event));
}

absl::StatusOr<v1::Experiment> ReplicationRecordingAdmin::CreateExperiment(const v1::CreateExperimentRequest& request) {
  ASSIGN_OR_RETURN(v1::Experiment created, inner_.CreateExperiment(request));
  LogRunningExperiments();
  return created;
}

absl::StatusOr<v1::Experiment> ReplicationRecordingAdmin::StopExperiment(const v1::StopExperimentRequest& request) {
  ASSIGN_OR_RETURN(v1::Experiment stopped, inner_.StopExperiment(request));
  LogRunningExperiments();
  return stopped;
}

}  // namespace vitrina::server
