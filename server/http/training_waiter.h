#pragma once

#include <memory>
#include <mutex>
#include <set>

#include "absl/status/statusor.h"
#include "server/recommender_core.h"
#include "vitrina/v1/recommender.pb.h"

namespace vitrina::server::http {

// Lets an HTTP worker thread block on RecommenderCore::TrainModel, whose answer comes from the
// job worker once a waited-for training has ended (httplib handlers are synchronous). CancelAll()
// releases every blocked thread, so that the server's thread pool can join while trainings
// still run; those trainings go on, only their HTTP answers are lost.
class TrainingWaiter {
 public:
  explicit TrainingWaiter(RecommenderCore& core) : core_(core) {}

  absl::StatusOr<v1::TrainModelResponse> Train(const v1::TrainModelRequest& request);

  // Blocked and later Train calls answer UNAVAILABLE.
  void CancelAll();

 private:
  // Shared with the core's callback, which may run after this object is gone.
  struct Outcome;

  RecommenderCore& core_;
  std::mutex mutex_;
  bool cancelled_ = false;
  std::set<std::shared_ptr<Outcome>> waiting_;
};

}  // namespace vitrina::server::http
