#pragma once

#include <string>

#include "registry/hot_interaction_store.h"
#include "server/admin_core.h"
#include "server/replica_interaction_effects.h"
#include "vitrina/v1/admin.grpc.pb.h"

namespace vitrina::server {

// A read replica's Admin calls: what reads the replica's own copy (models, the blacklist) is
// answered here; every other call (changes of any kind, recorded interactions, the jobs, which
// live on the primary) goes to the primary, whose answer or error is the caller's, so nothing is
// kept on the replica and lost. The primary repeats each change to its replicas. A primary that
// does not answer gives UNAVAILABLE naming it: the caller retries. An interaction the primary
// accepted also takes effect here at once (seen set, real-time row, cache), without waiting for
// the primary's event to come back.
class ReplicaForwardingAdmin final : public AdminCore {
 public:
  // `effects`: what an interaction the primary accepted changes here at once.
  ReplicaForwardingAdmin(AdminCore& local, v1::Admin::StubInterface& primary, std::string primary_address,
                         std::string admin_token, const ReplicaInteractionEffects& effects)
      : local_(local),
        primary_(primary),
        address_(std::move(primary_address)),
        token_(std::move(admin_token)),
        effects_(effects) {}

  absl::StatusOr<v1::ListModelsResponse> ListModels(const v1::ListModelsRequest& r) override { return local_.ListModels(r); }
  absl::StatusOr<v1::Model> GetModel(const v1::GetModelRequest& r) override { return local_.GetModel(r); }
  absl::StatusOr<v1::ListBlacklistResponse> ListBlacklist(const v1::ListBlacklistRequest& r) override {
    return local_.ListBlacklist(r);
  }

  absl::StatusOr<v1::ActivateModelResponse> ActivateModel(const v1::ActivateModelRequest& request) override;
  absl::StatusOr<v1::DeleteModelResponse> DeleteModel(const v1::DeleteModelRequest& request) override;
  absl::StatusOr<v1::ListJobsResponse> ListJobs(const v1::ListJobsRequest& request) override;
  absl::StatusOr<v1::Job> GetJob(const v1::GetJobRequest& request) override;
  absl::StatusOr<v1::Job> ScheduleTraining(const v1::ScheduleTrainingRequest& request) override;
  absl::StatusOr<v1::Job> CancelJob(const v1::CancelJobRequest& request) override;
  absl::StatusOr<v1::InvalidateCacheResponse> InvalidateCache(const v1::InvalidateCacheRequest& request) override;
  absl::StatusOr<v1::BlacklistResponse> AddToBlacklist(const v1::BlacklistRequest& request) override;
  absl::StatusOr<v1::BlacklistResponse> RemoveFromBlacklist(const v1::BlacklistRequest& request) override;
  absl::StatusOr<v1::RecordInteractionResponse> RecordInteraction(const v1::RecordInteractionRequest& request) override;
  absl::StatusOr<v1::DeleteInteractionsResponse> DeleteInteractions(
      const v1::DeleteInteractionsRequest& request) override;
  absl::StatusOr<v1::Job> StartSearch(const v1::StartSearchRequest& request) override;
  absl::StatusOr<v1::ListTrialsResponse> ListTrials(const v1::ListTrialsRequest& request) override;
  // Experiments live in the primary's registry and its exposure log: all five calls go there.
  absl::StatusOr<v1::Experiment> CreateExperiment(const v1::CreateExperimentRequest& request) override;
  absl::StatusOr<v1::ListExperimentsResponse> ListExperiments(const v1::ListExperimentsRequest& request) override;
  absl::StatusOr<v1::Experiment> GetExperiment(const v1::GetExperimentRequest& request) override;
  absl::StatusOr<v1::Experiment> StopExperiment(const v1::StopExperimentRequest& request) override;
  absl::StatusOr<v1::ExperimentReport> GetExperimentReport(const v1::GetExperimentReportRequest& request) override;

  // Session feedback (`/next`) recorded on the primary, as RecordInteraction.
  absl::Status RecordOnPrimary(const registry::HotInteraction& interaction);

 private:
  template <class Request, class Response>
  absl::StatusOr<Response> Forward(const Request& request,
                                   grpc::Status (v1::Admin::StubInterface::*call)(grpc::ClientContext*, const Request&,
                                                                                  Response*));

  AdminCore& local_;
  v1::Admin::StubInterface& primary_;
  const std::string address_;
  const std::string token_;
  const ReplicaInteractionEffects& effects_;
};

}  // namespace vitrina::server
