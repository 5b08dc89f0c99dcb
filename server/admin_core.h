#pragma once

#include "absl/status/statusor.h"
#include "vitrina/v1/admin.pb.h"
#include "vitrina/v1/experiment_report.pb.h"

namespace vitrina::server {

// What the Admin service does, independent of the transport (gRPC and HTTP edges both call it).
// Authentication happens at the edges; validation here.
class AdminCore {
 public:
  virtual ~AdminCore() = default;

  virtual absl::StatusOr<v1::ListModelsResponse> ListModels(const v1::ListModelsRequest& request) = 0;
  virtual absl::StatusOr<v1::Model> GetModel(const v1::GetModelRequest& request) = 0;
  virtual absl::StatusOr<v1::ActivateModelResponse> ActivateModel(const v1::ActivateModelRequest& request) = 0;
  virtual absl::StatusOr<v1::DeleteModelResponse> DeleteModel(const v1::DeleteModelRequest& request) = 0;
  virtual absl::StatusOr<v1::ListJobsResponse> ListJobs(const v1::ListJobsRequest& request) = 0;
  virtual absl::StatusOr<v1::Job> GetJob(const v1::GetJobRequest& request) = 0;
  virtual absl::StatusOr<v1::Job> ScheduleTraining(const v1::ScheduleTrainingRequest& request) = 0;
  virtual absl::StatusOr<v1::Job> CancelJob(const v1::CancelJobRequest& request) = 0;
  virtual absl::StatusOr<v1::Job> StartSearch(const v1::StartSearchRequest& request) = 0;
  virtual absl::StatusOr<v1::ListTrialsResponse> ListTrials(const v1::ListTrialsRequest& request) = 0;
  virtual absl::StatusOr<v1::InvalidateCacheResponse> InvalidateCache(const v1::InvalidateCacheRequest& request) = 0;
  virtual absl::StatusOr<v1::BlacklistResponse> AddToBlacklist(const v1::BlacklistRequest& request) = 0;
  virtual absl::StatusOr<v1::BlacklistResponse> RemoveFromBlacklist(const v1::BlacklistRequest& request) = 0;
  virtual absl::StatusOr<v1::ListBlacklistResponse> ListBlacklist(const v1::ListBlacklistRequest& request) = 0;
  virtual absl::StatusOr<v1::RecordInteractionResponse> RecordInteraction(
      const v1::RecordInteractionRequest& request) = 0;
  virtual absl::StatusOr<v1::DeleteInteractionsResponse> DeleteInteractions(
      const v1::DeleteInteractionsRequest& request) = 0;
  virtual absl::StatusOr<v1::Experiment> CreateExperiment(const v1::CreateExperimentRequest& request) = 0;
  virtual absl::StatusOr<v1::ListExperimentsResponse> ListExperiments(const v1::ListExperimentsRequest& request) = 0;
  virtual absl::StatusOr<v1::Experiment> GetExperiment(const v1::GetExperimentRequest& request) = 0;
  virtual absl::StatusOr<v1::Experiment> StopExperiment(const v1::StopExperimentRequest& request) = 0;
  virtual absl::StatusOr<v1::ExperimentReport> GetExperimentReport(const v1::GetExperimentReportRequest& request) = 0;
};

}  // namespace vitrina::server
