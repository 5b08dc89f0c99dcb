#pragma once

#include "server/job_manager.h"
#include "server/recommendation_engine.h"
#include "server/recommender_core.h"
#include "server/training_params.h"

namespace vitrina::server {

// The Recommender API over the answer path and the job queue.
class RecommenderService final : public RecommenderCore {
 public:
  RecommenderService(const RecommendationEngine& engine, JobManager* jobs, const ModelHolder& models,
                     const TrainingLimits& limits)
      : engine_(engine), jobs_(jobs), models_(models), limits_(limits) {}

  absl::StatusOr<v1::RecommendationsResponse> GetUserRecommendations(
      const v1::GetUserRecommendationsRequest& request) override {
    return engine_.RecommendForUser(request);
  }
  absl::StatusOr<v1::RecommendationsResponse> GetTitleRelevant(const v1::GetTitleRelevantRequest& request) override {
    return engine_.SimilarTitles(request);
  }
  void TrainModel(const v1::TrainModelRequest& request, TrainDone done) override;

 private:
  const RecommendationEngine& engine_;
  JobManager* jobs_;  // null on a read replica (jobs disabled)
  const ModelHolder& models_;
  const TrainingLimits& limits_;
};

// Checks what a training request asks, shared by TrainModel and ScheduleTraining.
absl::Status ValidateTrainingRequest(const v1::TrainingParams& params, v1::Activation activate,
                                     const ModelHolder& models, const TrainingLimits& limits);
// The queue entry of a validated training request.
registry::JobSpec TrainingJobSpec(const v1::TrainingParams& params, v1::Activation activate,
                                  registry::JobTrigger trigger, registry::UnixSeconds scheduled_at);

}  // namespace vitrina::server
