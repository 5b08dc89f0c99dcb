#include "trainer/embedding_table.h"

#include <cmath>

namespace vitrina::trainer {

void EmbeddingTable::Grow(int32_t new_n_features, int32_t components, LearningSchedule schedule,
                          Pcg32& rng) {
  no_components = components;
  stride = PaddedStride(components + 1);
  const size_t old_size = weights.size();
  const size_t new_size = static_cast<size_t>(new_n_features) * stride;
  weights.resize(new_size, 0.0f);
  for (size_t row = old_size; row < new_size; row += stride) {
    for (int c = 0; c < components; ++c) {
      weights[row + c] = (rng.Uniform() - 0.5f) / static_cast<float>(components);
    }
  }
  const bool adagrad = schedule == LearningSchedule::kAdagrad;
  gradient_accumulators.resize(new_size, adagrad ? 1.0f : 0.0f);
  if (!adagrad) update_accumulators.resize(new_size, 0.0f);
  n_features = new_n_features;
}

void EmbeddingTable::DivideWeights(double scale) {
  const auto inverse = static_cast<float>(1.0 / scale);
  for (float& w : weights) w *= inverse;
}

bool EmbeddingTable::AllFinite() const {
  // A sum is finite only if every term is (LightFM's check): one cheap pass, no branch per value.
  double sum = 0;
  for (float w : weights) sum += w;
  return std::isfinite(sum);
}

}  // namespace vitrina::trainer
