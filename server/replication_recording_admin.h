#pragma once

#include <mutex>

#include "server/admin_core.h"
#include "server/replication_event_log.h"

namespace vitrina::server {

// The primary's Admin calls as its replicas must repeat them: each successful change to the
// blacklist, the cache, the recorded interactions or the running experiments is appended to the
// replication log after the call (activations are logged where a model is published, whatever
// published it). Everything else passes through unchanged.
class ReplicationRecordingAdmin final : public AdminCore {
 public:
  ReplicationRecordingAdmin(AdminCore& inner, ReplicationEventLog& log) : inner_(inner), log_(log) {}

  absl::StatusOr<v1::ListModelsResponse> ListModels(const v1::ListModelsRequest& r) override { return inner_.ListModels(r); }
  absl::StatusOr<v1::Model> GetModel(const v1::GetModelRequest& r) override { return inner_.GetModel(r); }
  absl::StatusOr<v1::ActivateModelResponse> ActivateModel(const v1::ActivateModelRequest& r) override {
    return inner_.ActivateModel(r);
  }
  absl::StatusOr<v1::DeleteModelResponse> DeleteModel(const v1::DeleteModelRequest& r) override {
    return inner_.DeleteModel(r);
  }
  absl::StatusOr<v1::ListJobsResponse> ListJobs(const v1::ListJobsRequest& r) override { return inner_.ListJobs(r); }
  absl::StatusOr<v1::Job> GetJob(const v1::GetJobRequest& r) override { return inner_.GetJob(r); }
  absl::StatusOr<v1::Job> ScheduleTraining(const v1::ScheduleTrainingRequest& r) override {
    return inner_.ScheduleTraining(r);
  }
  absl::StatusOr<v1::Job> CancelJob(const v1::CancelJobRequest& r) override { return inner_.CancelJob(r); }
  absl::StatusOr<v1::ListBlacklistResponse> ListBlacklist(const v1::ListBlacklistRequest& r) override {
    return inner_.ListBlacklist(r);
  }
  absl::StatusOr<v1::Job> StartSearch(const v1::StartSearchRequest& r) override { return inner_.StartSearch(r); }
  absl::StatusOr<v1::ListTrialsResponse> ListTrials(const v1::ListTrialsRequest& r) override {
    return inner_.ListTrials(r);
  }
  // Replicas forward experiment calls here; each change sends the running experiments to them.
  absl::StatusOr<v1::Experiment> CreateExperiment(const v1::CreateExperimentRequest& request) override;
  absl::StatusOr<v1::ListExperimentsResponse> ListExperiments(const v1::ListExperimentsRequest& r) override {
    return inner_.ListExperiments(r);
  }
  absl::StatusOr<v1::Experiment> GetExperiment(const v1::GetExperimentRequest& r) override {
    return inner_.GetExperiment(r);
  }
  absl::StatusOr<v1::Experiment> StopExperiment(const v1::StopExperimentRequest& request) override;
  absl::StatusOr<v1::ExperimentReport> GetExperimentReport(const v1::GetExperimentReportRequest& r) override {
    return inner_.GetExperimentReport(r);
  }

  absl::StatusOr<v1::InvalidateCacheResponse> InvalidateCache(const v1::InvalidateCacheRequest& request) override;
  absl::StatusOr<v1::BlacklistResponse> AddToBlacklist(const v1::BlacklistRequest& request) override;
  absl::StatusOr<v1::BlacklistResponse> RemoveFromBlacklist(const v1::BlacklistRequest& request) override;
  absl::StatusOr<v1::RecordInteractionResponse> RecordInteraction(const v1::RecordInteractionRequest& request) override;
  absl::StatusOr<v1::DeleteInteractionsResponse> DeleteInteractions(
      const v1::DeleteInteractionsRequest& request) override;

 private:
  void LogBlacklist(const v1::BlacklistRequest& request, bool added);
  void LogRunningExperiments();

  std::mutex experiments_mutex_;  // the list read and its event appended together: the last event is the newest list
  AdminCore& inner_;
  ReplicationEventLog& log_;
};

}  // namespace vitrina::server
