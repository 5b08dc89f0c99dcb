#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "vitrina/v1/recommender.pb.h"

namespace vitrina::server {

// What the Recommender service answers, independent of the transport (gRPC and HTTP edges both
// call it). Requests are validated here, so both edges give the same errors.
class RecommenderCore {
 public:
  virtual ~RecommenderCore() = default;

  virtual absl::StatusOr<v1::RecommendationsResponse> GetUserRecommendations(
      const v1::GetUserRecommendationsRequest& request) = 0;
  virtual absl::StatusOr<v1::RecommendationsResponse> GetTitleRelevant(const v1::GetTitleRelevantRequest& request) = 0;

  virtual absl::StatusOr<v1::GetNextTitleResponse> GetNextTitle(const v1::GetNextTitleRequest& request) = 0;
  virtual absl::StatusOr<v1::EndSessionResponse> EndSession(const v1::EndSessionRequest& request) = 0;

  using TrainDone = std::function<void(absl::StatusOr<v1::TrainModelResponse>)>;
  // Queues a training job. `done` runs once: at once when the request does not wait (or is
  // invalid), otherwise from the job worker when the job has ended.
  virtual void TrainModel(const v1::TrainModelRequest& request, TrainDone done) = 0;
};

}  // namespace vitrina::server
