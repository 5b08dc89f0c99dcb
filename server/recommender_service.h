#pragma once

#include "server/experiment_manager.h"
#include "server/exposure_recorder.h"
#include "server/job_manager.h"
#include "server/recommendation_engine.h"
#include "server/recommender_core.h"
#include "server/training_params.h"
#include "server/session_service.h"

namespace vitrina::server {

// The Recommender API over the answer path, the session policies and the job queue. Each
// answer for a user follows the user's experiment arms (model, policy, exploration), names them
// in the response, and goes to the exposure log with what it showed; reported consumption goes
// there as outcomes.
class RecommenderService final : public RecommenderCore {
 public:
  RecommenderService(const RecommendationEngine& engine, const SessionService& sessions, JobManager* jobs,
                     const ModelHolder& models, const TrainingLimits& limits, const ExperimentManager& experiments,
                     ExposureRecorder& exposures)
      : engine_(engine), sessions_(sessions), jobs_(jobs), models_(models), limits_(limits),
        experiments_(experiments), exposures_(exposures) {}

  // How many ranked titles after the first k - 1 an exploring arm's random last pick comes from.
  static constexpr int kExplorationPool = 20;

  absl::StatusOr<v1::RecommendationsResponse> GetUserRecommendations(
      const v1::GetUserRecommendationsRequest& request) override;
  absl::StatusOr<v1::RecommendationsResponse> GetTitleRelevant(const v1::GetTitleRelevantRequest& request) override;
  absl::StatusOr<v1::GetNextTitleResponse> GetNextTitle(const v1::GetNextTitleRequest& request) override;
  absl::StatusOr<v1::EndSessionResponse> EndSession(const v1::EndSessionRequest& request) override;
  void TrainModel(const v1::TrainModelRequest& request, TrainDone done) override;

 private:
  absl::StatusOr<v1::RecommendationsResponse> Explore(const v1::GetUserRecommendationsRequest& request,
                                                      const CallArms& arms) const;

  const RecommendationEngine& engine_;
  const SessionService& sessions_;
  JobManager* jobs_;  // null on a read replica (jobs disabled)
  const ModelHolder& models_;
  const TrainingLimits& limits_;
  const ExperimentManager& experiments_;
  ExposureRecorder& exposures_;
};

// Checks what a training request asks, shared by TrainModel and ScheduleTraining.
absl::Status ValidateTrainingRequest(const v1::TrainingParams& params, v1::Activation activate,
                                     const ModelHolder& models, const TrainingLimits& limits);
// The queue entry of a validated training request.
registry::JobSpec TrainingJobSpec(const v1::TrainingParams& params, v1::Activation activate,
                                  registry::JobTrigger trigger, registry::UnixSeconds scheduled_at);

}  // namespace vitrina::server
