#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "trainer/interactions.h"

namespace vitrina::tuning {

struct ValidationSplit {
  trainer::Interactions fit;         // what the trials train on
  trainer::Interactions validation;  // what they are scored on
};

// Carves a validation split out of TRAINING interactions, per user, so that every user with
// enough positives is scored (a random split over all entries would leave light users out and
// weigh heavy ones more): of each user's distinct positive items (value > 0), `fraction` (rounded,
// at least one, never all, at most `max_per_user` when it is > 0) chosen by a shuffle seeded with
// `seed` go to validation with every entry of that (user, item) pair; users with one positive, and
// non-positive entries, stay in fit. Both parts keep the full shape. InvalidArgument when fraction
// is not in (0, 1) or max_per_user is negative.
absl::StatusOr<ValidationSplit> SplitPerUser(const trainer::Interactions& train, double fraction,
                                             uint64_t seed, int max_per_user = 0);

}  // namespace vitrina::tuning
