#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "trainer/hyperparameters.h"
#include "vitrina/v1/common.pb.h"

namespace vitrina::server {

// Loss and schedule names as the trainer CLI and LightFM spell them ("warp-kos", "adagrad"), and
// the enum names ("WARP_KOS"), both accepted.
absl::StatusOr<v1::Loss> LossFromName(std::string_view name);
absl::StatusOr<v1::LearningSchedule> LearningScheduleFromName(std::string_view name);

// `request` over `defaults`: every field the request sets wins, the rest comes from defaults.
v1::TrainingParams MergeTrainingParams(const v1::TrainingParams& defaults, const v1::TrainingParams& request);

// InvalidArgument naming the field ("params.epochs must be in 1..100000").
absl::Status ValidateTrainingParams(const v1::TrainingParams& params);

// The trainer's hyperparameters of fully merged params.
trainer::Hyperparameters ToHyperparameters(const v1::TrainingParams& params);

}  // namespace vitrina::server
