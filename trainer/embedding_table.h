#pragma once

#include <cstdint>

#include "trainer/aligned_vector.h"
#include "trainer/hyperparameters.h"
#include "trainer/lanes.h"
#include "trainer/random.h"

namespace vitrina::trainer {

// One side's learned parameters (LightFM's *_embeddings, *_biases and their schedule state), one
// row per feature. A row is [embedding (no_components floats), bias, zero padding] so that one
// contiguous, lane-aligned row holds all of a feature's parameters; the padding lanes receive zero
// gradients and stay zero.
struct EmbeddingTable {
  int32_t n_features = 0;
  int32_t no_components = 0;
  int32_t stride = 0;  // PaddedStride(no_components + 1)
  AlignedFloats weights;
  // adagrad: running sum of squared gradients (LightFM starts it at 1);
  // adadelta: running average of squared gradients (starts at 0).
  AlignedFloats gradient_accumulators;
  // adadelta only: running average of squared updates (starts at 0); empty for adagrad.
  AlignedFloats update_accumulators;

  int bias_lane() const { return no_components; }
  float* Row(int32_t feature) { return weights.data() + static_cast<size_t>(feature) * stride; }
  const float* Row(int32_t feature) const {
    return weights.data() + static_cast<size_t>(feature) * stride;
  }
  float* GradientRow(int32_t feature) {
    return gradient_accumulators.data() + static_cast<size_t>(feature) * stride;
  }
  float* UpdateRow(int32_t feature) {
    return update_accumulators.empty()
               ? nullptr
               : update_accumulators.data() + static_cast<size_t>(feature) * stride;
  }

  // Appends rows up to `new_n_features`, initialised as LightFM initialises them: embedding
  // components (U[0,1) - 0.5) / no_components drawn from `rng`, bias 0, accumulators as above.
  // Existing rows are untouched.
  void Grow(int32_t new_n_features, int32_t components, LearningSchedule schedule, Pcg32& rng);
  // Divides every weight by `scale` (LightFM's `regularize`).
  void DivideWeights(double scale);
  bool AllFinite() const;

  friend bool operator==(const EmbeddingTable&, const EmbeddingTable&) = default;
};

}  // namespace vitrina::trainer
