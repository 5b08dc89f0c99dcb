#pragma once

#include <gmock/gmock.h>

#include "server/admin_core.h"
#include "server/recommender_core.h"

namespace vitrina::server::http {

class MockRecommenderCore : public RecommenderCore {
 public:
  MOCK_METHOD(absl::StatusOr<v1::RecommendationsResponse>, GetUserRecommendations,
              (const v1::GetUserRecommendationsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::RecommendationsResponse>, GetTitleRelevant, (const v1::GetTitleRelevantRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::GetNextTitleResponse>, GetNextTitle, (const v1::GetNextTitleRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::EndSessionResponse>, EndSession, (const v1::EndSessionRequest&), (override));
  MOCK_METHOD(void, TrainModel, (const v1::TrainModelRequest&, TrainDone), (override));
};

class MockAdminCore : public AdminCore {
 public:
  MOCK_METHOD(absl::StatusOr<v1::ListModelsResponse>, ListModels, (const v1::ListModelsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::Model>, GetModel, (const v1::GetModelRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::ActivateModelResponse>, ActivateModel, (const v1::ActivateModelRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::DeleteModelResponse>, DeleteModel, (const v1::DeleteModelRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::ListJobsResponse>, ListJobs, (const v1::ListJobsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::Job>, GetJob, (const v1::GetJobRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::Job>, ScheduleTraining, (const v1::ScheduleTrainingRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::Job>, CancelJob, (const v1::CancelJobRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::Job>, StartSearch, (const v1::StartSearchRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::ListTrialsResponse>, ListTrials, (const v1::ListTrialsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::InvalidateCacheResponse>, InvalidateCache, (const v1::InvalidateCacheRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::BlacklistResponse>, AddToBlacklist, (const v1::BlacklistRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::BlacklistResponse>, RemoveFromBlacklist, (const v1::BlacklistRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::ListBlacklistResponse>, ListBlacklist, (const v1::ListBlacklistRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::RecordInteractionResponse>, RecordInteraction, (const v1::RecordInteractionRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::DeleteInteractionsResponse>, DeleteInteractions,
              (const v1::DeleteInteractionsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::Experiment>, CreateExperiment, (const v1::CreateExperimentRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::ListExperimentsResponse>, ListExperiments, (const v1::ListExperimentsRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<v1::Experiment>, GetExperiment, (const v1::GetExperimentRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::Experiment>, StopExperiment, (const v1::StopExperimentRequest&), (override));
  MOCK_METHOD(absl::StatusOr<v1::ExperimentReport>, GetExperimentReport, (const v1::GetExperimentReportRequest&),
              (override));
};

}  // namespace vitrina::server::http
