#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "trainer/dataset.h"
#include "trainer/interactions.h"
#include "trainer/model.h"
#include "tuning/successive_halving.h"

namespace vitrina::tuning {

struct TrainedWinner {
  trainer::Model model;
  int epochs = 0;  // the winner's epochs, or fewer when keep_going ended the training
};

// Asked after every epoch of the winner's training: false ends it there.
using KeepTraining = std::function<bool(const trainer::EpochReport&)>;

// Trains the search's winner afresh on all of `train` (the validation split folded back in: the
// search carved it out only to compare trials) for the winner's epochs. `dataset` may be larger than
// the one searched on (e.g. also holding the test file's ids, LightFM's shape); `options.epochs` and
// `options.on_epoch` are replaced. When `keep_going` returns false the model as trained so far is
// the result: how a wall-time budget bounds the refit when an epoch costs more than planned.
absl::StatusOr<TrainedWinner> TrainWinner(const SearchResult& search,
                                          const trainer::Dataset& dataset,
                                          const trainer::Interactions& train,
                                          trainer::FitOptions options,
                                          const KeepTraining& keep_going = nullptr);

}  // namespace vitrina::tuning
