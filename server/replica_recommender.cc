#include "server/replica_recommender.h"

#include "fmt/format.h"

namespace vitrina::server {

void ReplicaRecommender::TrainModel(const v1::TrainModelRequest&, TrainDone done) {
  done(absl::FailedPreconditionError(fmt::format(
      "this instance is a read replica (replication.primary): send TrainModel to the primary at {}", primary_)));
}

}  // namespace vitrina::server
