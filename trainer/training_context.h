#pragma once

#include "trainer/csr_matrix.h"
#include "trainer/embedding_table.h"
#include "trainer/hyperparameters.h"
#include "trainer/interactions.h"
#include "trainer/regularization_scales.h"

namespace vitrina::trainer {

// What every worker of an epoch shares: read-only inputs and the parameters they update without
// locks (Hogwild).
struct TrainingContext {
  const Hyperparameters& hyperparameters;
  const CsrMatrix& user_features;  // users x user features
  const CsrMatrix& item_features;  // items x item features
  const Interactions& interactions;
  const CsrMatrix& positives;  // the interactions as CSR: LightFM's positives lookup
  EmbeddingTable& users;
  EmbeddingTable& items;
  RegularizationScales& scales;
};

}  // namespace vitrina::trainer
