#pragma once

#include "blacklist/blacklist_manager.h"
#include "cache/result_cache.h"
#include "data/preparation_config.h"
#include "registry/hot_interaction_store.h"
#include "registry/job_store.h"
#include "registry/model_registry.h"
#include "registry/search_trial_store.h"
#include "server/admin_core.h"
#include "server/experiment_manager.h"
#include "server/exposure_recorder.h"
#include "server/job_manager.h"
#include "server/model_manager.h"
#include "server/realtime_updates.h"
#include "server/recent_consumption.h"
#include "server/server_config.h"
#include "server/training_params.h"

namespace vitrina::server {

// The Admin API: models (list, inspect, activate/rollback, delete), jobs, cache, blacklist and
// hot interactions, over the components that own them.
class AdminService final : public AdminCore {
 public:
  struct Parts {
    registry::ModelRegistry& registry;
    registry::JobStore& job_store;
    registry::HotInteractionStore& hot_interactions;
    ModelManager& models;
    const ModelHolder& holder;
    JobManager* jobs;  // null on a read replica
    cache::ResultCache& cache;
    blacklist::BlacklistManager& blacklist;
    RecentConsumption& recent;
    const data::PreparationConfig& preparation;
    int max_future_skew_seconds;  // how far after now a recorded interaction's `at` may lie
    registry::SearchTrialStore& search_trials;
    // The limits of every training request, and the defaults a search request is checked against.
    const TrainingConfig& training;
    ExperimentManager& experiments;
    ExposureRecorder& exposures;
    // The exposure log's folder (empty: logging is off) and how to make what it holds durable
    // before a report reads it.
    std::string exposure_log_dir;
    std::function<absl::Status()> flush_exposure_log;
    const RealtimeUpdates* realtime = nullptr;  // null: recorded interactions move no user vector
  };
  explicit AdminService(Parts parts) : p_(parts) {}

  absl::StatusOr<v1::ListModelsResponse> ListModels(const v1::ListModelsRequest& request) override;
  absl::StatusOr<v1::Model> GetModel(const v1::GetModelRequest& request) override;
  absl::StatusOr<v1::ActivateModelResponse> ActivateModel(const v1::ActivateModelRequest& request) override;
  absl::StatusOr<v1::DeleteModelResponse> DeleteModel(const v1::DeleteModelRequest& request) override;
  absl::StatusOr<v1::ListJobsResponse> ListJobs(const v1::ListJobsRequest& request) override;
  absl::StatusOr<v1::Job> GetJob(const v1::GetJobRequest& request) override;
  absl::StatusOr<v1::Job> ScheduleTraining(const v1::ScheduleTrainingRequest& request) override;
  absl::StatusOr<v1::Job> CancelJob(const v1::CancelJobRequest& request) override;
  absl::StatusOr<v1::Job> StartSearch(const v1::StartSearchRequest& request) override;
  absl::StatusOr<v1::ListTrialsResponse> ListTrials(const v1::ListTrialsRequest& request) override;
  absl::StatusOr<v1::InvalidateCacheResponse> InvalidateCache(const v1::InvalidateCacheRequest& request) override;
  absl::StatusOr<v1::BlacklistResponse> AddToBlacklist(const v1::BlacklistRequest& request) override;
  absl::StatusOr<v1::BlacklistResponse> RemoveFromBlacklist(const v1::BlacklistRequest& request) override;
  absl::StatusOr<v1::ListBlacklistResponse> ListBlacklist(const v1::ListBlacklistRequest& request) override;
  absl::StatusOr<v1::RecordInteractionResponse> RecordInteraction(const v1::RecordInteractionRequest& request) override;
  absl::StatusOr<v1::DeleteInteractionsResponse> DeleteInteractions(
      const v1::DeleteInteractionsRequest& request) override;
  absl::StatusOr<v1::Experiment> CreateExperiment(const v1::CreateExperimentRequest& request) override;
  absl::StatusOr<v1::ListExperimentsResponse> ListExperiments(const v1::ListExperimentsRequest& request) override;
  absl::StatusOr<v1::Experiment> GetExperiment(const v1::GetExperimentRequest& request) override;
  absl::StatusOr<v1::Experiment> StopExperiment(const v1::StopExperimentRequest& request) override;
  absl::StatusOr<v1::ExperimentReport> GetExperimentReport(const v1::GetExperimentReportRequest& request) override;

 private:
  absl::StatusOr<JobManager*> Jobs() const;

  Parts p_;
};

}  // namespace vitrina::server
