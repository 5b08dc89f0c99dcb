#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include "absl/status/statusor.h"
#include "server/http/http_reply.h"
#include "server/recommender_core.h"
#include "vitrina/v1/recommender.pb.h"

namespace vitrina::server::http {

// Lets an HTTP worker thread block on RecommenderCore::TrainModel, whose answer comes from the
// job worker once a waited-for training has ended (httplib 0.11 handlers are synchronous, so a
// waiting request holds its thread for the whole training).
//
// At most `max_waiting` requests wait at once; a further one that asks to wait is refused at
// once (429 with Retry-After), so waiting trainings can never take every thread of the pool and
// starve /health and the recommendations. Requests that do not wait take no place.
// CancelAll() releases every blocked thread, so that the server's thread pool can join while
// trainings still run; those trainings go on, only their HTTP answers are lost.
class TrainingWaiter {
 public:
  // Seconds a refused client is asked to wait: trainings take seconds to minutes.
  static constexpr int kRetryAfterSeconds = 10;

  TrainingWaiter(RecommenderCore& core, size_t max_waiting) : core_(core), max_waiting_(max_waiting) {}

  using FormatReply = std::function<absl::StatusOr<HttpReply>(const v1::TrainModelResponse&)>;
  // Trains and answers `format(response)`, or the training's error, or the refusal above.
  absl::StatusOr<HttpReply> Train(const v1::TrainModelRequest& request, const FormatReply& format);

  // Blocked and later Train calls answer UNAVAILABLE.
  void CancelAll();

 private:
  // Shared with the core's callback, which may run after this object is gone.
  struct Outcome;

  RecommenderCore& core_;
  const size_t max_waiting_;
  std::mutex mutex_;
  bool cancelled_ = false;
  size_t waiting_ = 0;  // requests with `wait` now blocked (or about to block)
  std::set<std::shared_ptr<Outcome>> pending_;  // every call not yet answered, waiting or not
};

}  // namespace vitrina::server::http
