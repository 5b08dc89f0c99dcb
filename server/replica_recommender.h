#pragma once

#include <string>

#include "server/recommender_core.h"

namespace vitrina::server {

// A read replica's Recommender: answers from its own copy, and refuses TrainModel with
// FAILED_PRECONDITION naming the primary (trainings run there; a TrainModel that waits for its
// job cannot be forwarded without holding a call open on both).
class ReplicaRecommender final : public RecommenderCore {
 public:
  ReplicaRecommender(RecommenderCore& local, std::string primary) : local_(local), primary_(std::move(primary)) {}

  absl::StatusOr<v1::RecommendationsResponse> GetUserRecommendations(
      const v1::GetUserRecommendationsRequest& r) override {
    return local_.GetUserRecommendations(r);
  }
  absl::StatusOr<v1::RecommendationsResponse> GetTitleRelevant(const v1::GetTitleRelevantRequest& r) override {
    return local_.GetTitleRelevant(r);
  }
  absl::StatusOr<v1::GetNextTitleResponse> GetNextTitle(const v1::GetNextTitleRequest& r) override {
    return local_.GetNextTitle(r);
  }
  absl::StatusOr<v1::EndSessionResponse> EndSession(const v1::EndSessionRequest& r) override {
    return local_.EndSession(r);
  }
  void TrainModel(const v1::TrainModelRequest& request, TrainDone done) override;

 private:
  RecommenderCore& local_;
  const std::string primary_;
};

}  // namespace vitrina::server
