#pragma once

#include <cstdint>

#include "trainer/dataset.h"
#include "trainer/interactions.h"

namespace vitrina::bench {

// A large implicit-feedback dataset for the speed figures: users in taste clusters, item
// popularity skewed (a power law inside each cluster and overall), no duplicate pairs.
struct SyntheticOptions {
  int32_t users = 50000;
  int32_t items = 20000;
  int64_t interactions = 2000000;
  int32_t clusters = 50;
  double in_cluster = 0.8;
  uint64_t seed = 1;
};

struct SyntheticData {
  trainer::Dataset dataset;
  trainer::Interactions interactions;
};

SyntheticData MakeSyntheticData(const SyntheticOptions& options);

}  // namespace vitrina::bench
