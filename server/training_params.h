#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "server/training_names.h"
#include "trainer/hyperparameters.h"
#include "vitrina/v1/common.pb.h"

namespace vitrina::server {

// `request` over `defaults`: every field the request sets wins, the rest comes from defaults.
v1::TrainingParams MergeTrainingParams(const v1::TrainingParams& defaults, const v1::TrainingParams& request);

// InvalidArgument naming the field ("params.epochs must be in 1..100000").
absl::Status ValidateTrainingParams(const v1::TrainingParams& params);

// The trainer's hyperparameters of fully merged params.
trainer::Hyperparameters ToHyperparameters(const v1::TrainingParams& params);

}  // namespace vitrina::server
