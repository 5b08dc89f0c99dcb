#pragma once

#include <cstdint>

#include "trainer/csr_matrix.h"
#include "trainer/embedding_table.h"
#include "trainer/hyperparameters.h"
#include "trainer/regularization_scales.h"
#include "trainer/training_interactions.h"

namespace vitrina::trainer {

// One interaction as training reads it: the four fields in one 16-byte record, so that a sample
// costs one cache line instead of four scattered reads.
struct Sample {
  int32_t user;
  int32_t item;
  float value;
  float weight;
};

// What every worker of an epoch shares: read-only inputs and the parameters they update without
// locks (Hogwild).
struct TrainingContext {
  const Hyperparameters& hyperparameters;
  const CsrMatrix& user_features;   // users x user features
  const CsrMatrix& item_features;   // items x item features
  // Every interaction, grouped by user: the epoch's samples and the positives lookup.
  const TrainingInteractions& interactions;
  EmbeddingTable& users;
  EmbeddingTable& items;
  RegularizationScales& scales;
};

}  // namespace vitrina::trainer
