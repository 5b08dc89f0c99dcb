#pragma once

#include "absl/status/status.h"
#include "tools/vitrina-train/train_flags.h"

namespace vitrina::tools {

// vitrina-train --search: searches hyperparameters on a validation split carved from the training
// file (the test file is not read until the search is over), prints every trial, trains the winner
// on all the training data, evaluates it once on the test data and optionally writes it.
absl::Status RunSearchCommand(const TrainFlags& flags);

}  // namespace vitrina::tools
