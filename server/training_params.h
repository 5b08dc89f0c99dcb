#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "server/training_names.h"
#include "trainer/hyperparameters.h"
#include "vitrina/v1/common.pb.h"

namespace vitrina::server {

// What one training may ask for (config `training.limits`): the API refuses more, so that an
// anonymous or careless request cannot hold the single job worker for days.
struct TrainingLimits {
  int max_epochs = 1000;
  int max_no_components = 512;
  int max_sampled = 1000;
  // A running job fails when it has run this long (checked after data preparation and after
  // each epoch); the active model keeps serving.
  int max_wall_seconds = 6 * 3600;
};

// `request` over `defaults`: every field the request sets wins, the rest comes from defaults.
v1::TrainingParams MergeTrainingParams(const v1::TrainingParams& defaults, const v1::TrainingParams& request);

// InvalidArgument naming the field ("params.epochs must be in 1..1000 (training.limits.max_epochs)").
absl::Status ValidateTrainingParams(const v1::TrainingParams& params, const TrainingLimits& limits);

// The trainer's hyperparameters of fully merged params.
trainer::Hyperparameters ToHyperparameters(const v1::TrainingParams& params);

}  // namespace vitrina::server
