#pragma once

#include <cstdint>

#include "trainer/csr_matrix.h"
#include "trainer/dataset.h"
#include "trainer/interactions.h"

namespace vitrina::bench {

// The large set (users in taste clusters, power-law item popularity, no duplicate pairs:
// the distribution of MakeSyntheticData), generated without a hash set and without a second copy
// of the interactions, so that the bench's own peak memory stays small next to the trainer's.
struct ScaleOptions {
  int32_t users = 500000;
  int32_t items = 100000;
  int64_t interactions = 19875000;  // before the split: 15.9M train positives at 80%
  int32_t clusters = 50;
  double in_cluster = 0.8;
  double test_fraction = 0.2;
  int32_t test_users = 2000;  // evaluated users, drawn among those with test entries
  uint64_t seed = 1;
};

struct ScaleData {
  trainer::Dataset dataset;
  trainer::Interactions train;  // in random order, as a caller would hand them over
  // Rows only for the sampled test users (others empty): their test entries, and their train
  // entries to exclude from the ranking.
  trainer::CsrMatrix test;
  trainer::CsrMatrix train_of_test_users;
};

ScaleData MakeScaleData(const ScaleOptions& options);

}  // namespace vitrina::bench
