#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "trainer/embedding_table.h"

namespace vitrina::serving {

// Where LightFM places an entity the model was not trained on but whose features it learned: the
// sum of those features' embedding rows and of their biases, each weighted 1/n when the model's
// dataset normalises features (an entity's row then sums to 1; a newcomer has no identity
// feature), 1 otherwise. The model's own entities are laid out by trainer::ServingIndex.
struct FeaturePlacement {
  std::vector<float> embedding;  // no_components floats
  float bias = 0;
};

inline FeaturePlacement PlaceByFeatures(const trainer::EmbeddingTable& table, std::span<const int32_t> features,
                                        bool normalize_features) {
  const int d = table.no_components;
  const float weight =
      normalize_features && !features.empty() ? 1.0f / static_cast<float>(features.size()) : 1.0f;
  FeaturePlacement placed{.embedding = std::vector<float>(static_cast<size_t>(d), 0.0f), .bias = 0};
  for (int32_t feature : features) {
    const float* row = table.Row(feature);
    for (int c = 0; c < d; ++c) placed.embedding[c] += weight * row[c];
    placed.bias += weight * row[table.bias_lane()];
  }
  return placed;
}

}  // namespace vitrina::serving
