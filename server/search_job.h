#pragma once

#include "absl/status/statusor.h"
#include "server/training_params.h"
#include "trainer/hyperparameters.h"
#include "tuning/successive_halving.h"
#include "vitrina/v1/admin.pb.h"
#include "vitrina/v1/common.pb.h"

namespace vitrina::server {

// What an Admin.StartSearch request asks of the tuning library. `defaults` (the configured
// training defaults, fully set) give what the space does not choose (learning schedule, k-OS, ...)
// and the threads and seed the request leaves unset; `eval_k` is the k of precision@k and
// recall@k. The space and budget stay within `limits` (a bound the request sets above one is
// refused, a default range is cut down to it). InvalidArgument naming the field
// ("space.min_components ...", "metric ...").
absl::StatusOr<tuning::SearchOptions> SearchOptionsFromRequest(const v1::StartSearchRequest& request,
                                                               const v1::TrainingParams& defaults,
                                                               const TrainingLimits& limits, int eval_k);

// The full training params of a searched point: `defaults` with the searched fields and epochs
// replaced, kind SEARCH.
v1::TrainingParams SearchedParams(const trainer::Hyperparameters& hyperparameters, int epochs,
                                  const v1::TrainingParams& defaults);

// How many measurements the search makes at most (every rung full): the job's progress total.
int PlannedMeasurements(const tuning::SearchOptions& options);

}  // namespace vitrina::server
