#pragma once

#include "absl/status/statusor.h"
#include "trainer/dataset.h"
#include "trainer/interactions.h"
#include "trainer/model.h"
#include "tuning/successive_halving.h"

namespace vitrina::tuning {

// Trains the search's winner afresh on all of `train` (the validation split folded back in: the
// search carved it out only to compare trials) for the winner's epochs. `dataset` may be larger than
// the one searched on (e.g. also holding the test file's ids, LightFM's shape); `options.epochs` is
// ignored.
absl::StatusOr<trainer::Model> TrainWinner(const SearchResult& search,
                                           const trainer::Dataset& dataset,
                                           const trainer::Interactions& train,
                                           trainer::FitOptions options);

}  // namespace vitrina::tuning
