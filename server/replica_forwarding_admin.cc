#include "server/replica_forwarding_admin.h"

#include <chrono>

#include "common/status_macros.h"
#include "registry/unix_time.h"
#include "server/replica_model_sync.h"

namespace vitrina::server {

namespace {

// Long enough for a primary busy with a training, short enough that a caller learns of an outage.
constexpr std::chrono::seconds kForwardDeadline(10);

}  // namespace

template <class Request, class Response>
absl::StatusOr<Response> ReplicaForwardingAdmin::Forward(
    const Request& request,
    grpc::Status (v1::Admin::StubInterface::*call)(grpc::ClientContext*, const Request&, Response*)) {
  grpc::ClientContext context;
  AddAdminToken(context, token_);
  context.set_deadline(std::chrono::system_clock::now() + kForwardDeadline);
  Response response;
  if (absl::Status status = FromPrimary((primary_.*call)(&context, request, &response), address_); !status.ok()) {
    return status;
  }
  return response;
}

using Stub = v1::Admin::StubInterface;

absl::StatusOr<v1::ActivateModelResponse> ReplicaForwardingAdmin::ActivateModel(const v1::ActivateModelRequest& r) {
  return Forward(r, &Stub::ActivateModel);
}
absl::StatusOr<v1::DeleteModelResponse> ReplicaForwardingAdmin::DeleteModel(const v1::DeleteModelRequest& r) {
  return Forward(r, &Stub::DeleteModel);
}
absl::StatusOr<v1::ListJobsResponse> ReplicaForwardingAdmin::ListJobs(const v1::ListJobsRequest& r) {
  return Forward(r, &Stub::ListJobs);
}
absl::StatusOr<v1::Job> ReplicaForwardingAdmin::GetJob(const v1::GetJobRequest& r) { return Forward(r, &Stub::GetJob); }
absl::StatusOr<v1::Job> ReplicaForwardingAdmin::ScheduleTraining(const v1::ScheduleTrainingRequest& r) {
  return Forward(r, &Stub::ScheduleTraining);
}
absl::StatusOr<v1::Job> ReplicaForwardingAdmin::CancelJob(const v1::CancelJobRequest& r) {
  return Forward(r, &Stub::CancelJob);
}
absl::StatusOr<v1::InvalidateCacheResponse> ReplicaForwardingAdmin::InvalidateCache(
    const v1::InvalidateCacheRequest& r) {
  return Forward(r, &Stub::InvalidateCache);
}
absl::StatusOr<v1::BlacklistResponse> ReplicaForwardingAdmin::AddToBlacklist(const v1::BlacklistRequest& r) {
  return Forward(r, &Stub::AddToBlacklist);
}
absl::StatusOr<v1::BlacklistResponse> ReplicaForwardingAdmin::RemoveFromBlacklist(const v1::BlacklistRequest& r) {
  return Forward(r, &Stub::RemoveFromBlacklist);
}
absl::StatusOr<v1::RecordInteractionResponse> ReplicaForwardingAdmin::RecordInteraction(
    const v1::RecordInteractionRequest& r) {
  ASSIGN_OR_RETURN(v1::RecordInteractionResponse response, Forward(r, &Stub::RecordInteraction));
  effects_.Recorded(r.user_id(), r.title_id(), r.has_at() ? r.at().seconds() : registry::UnixNow(), r.type(),
                    r.value());
  return response;
}
absl::StatusOr<v1::DeleteInteractionsResponse> ReplicaForwardingAdmin::DeleteInteractions(
    const v1::DeleteInteractionsRequest& r) {
  ASSIGN_OR_RETURN(v1::DeleteInteractionsResponse response, Forward(r, &Stub::DeleteInteractions));
  if (response.deleted() > 0) effects_.Deleted(r.has_user_id() ? std::optional<int64_t>(r.user_id()) : std::nullopt);
  return response;
}
absl::StatusOr<v1::Job> ReplicaForwardingAdmin::StartSearch(const v1::StartSearchRequest& r) {
  return Forward(r, &Stub::StartSearch);
}
absl::StatusOr<v1::ListTrialsResponse> ReplicaForwardingAdmin::ListTrials(const v1::ListTrialsRequest& r) {
  return Forward(r, &Stub::ListTrials);
}
absl::StatusOr<v1::Experiment> ReplicaForwardingAdmin::CreateExperiment(const v1::CreateExperimentRequest& r) {
  return Forward(r, &Stub::CreateExperiment);
}
absl::StatusOr<v1::ListExperimentsResponse> ReplicaForwardingAdmin::ListExperiments(
    const v1::ListExperimentsRequest& r) {
  return Forward(r, &Stub::ListExperiments);
}
absl::StatusOr<v1::Experiment> ReplicaForwardingAdmin::GetExperiment(const v1::GetExperimentRequest& r) {
  return Forward(r, &Stub::GetExperiment);
}
absl::StatusOr<v1::Experiment> ReplicaForwardingAdmin::StopExperiment(const v1::StopExperimentRequest& r) {
  return Forward(r, &Stub::StopExperiment);
}
absl::StatusOr<v1::ExperimentReport> ReplicaForwardingAdmin::GetExperimentReport(
    const v1::GetExperimentReportRequest& r) {
  return Forward(r, &Stub::GetExperimentReport);
}

absl::Status ReplicaForwardingAdmin::RecordOnPrimary(const registry::HotInteraction& interaction) {
  v1::RecordInteractionRequest request;
  request.set_user_id(interaction.user_id);
  request.set_title_id(interaction.title_id);
  request.set_type(interaction.type);
  request.set_value(interaction.value);
  request.mutable_at()->set_seconds(interaction.timestamp);
  return Forward(request, &Stub::RecordInteraction).status();
}

}  // namespace vitrina::server
