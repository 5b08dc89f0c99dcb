#pragma once

#include <cstdint>

#include "trainer/model.h"

namespace vitrina::serving::testing {

// A model of `titles` titles and `users` users whose vectors lie around `clusters` random
// directions with varied lengths (what trained factors look like), ids 0.. for both; seeded.
trainer::Model MakePlantedModel(int titles, int users, int dim, int clusters, uint64_t seed);

}  // namespace vitrina::serving::testing
