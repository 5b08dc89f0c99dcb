#include "tests/serving/planted_model.h"

#include <cmath>
#include <random>
#include <vector>

#include "tests/serving/tiny_model.h"

namespace vitrina::serving::testing {
namespace {

std::vector<float> Around(const std::vector<float>& center, std::mt19937_64& random) {
  std::normal_distribution<float> noise(0.0f, 0.3f);
  std::lognormal_distribution<float> length(0.0f, 0.5f);
  std::vector<float> vector = center;
  float norm = 0;
  for (float& x : vector) {
    x += noise(random);
    norm += x * x;
  }
  const float scale = length(random) / std::sqrt(norm);
  for (float& x : vector) x *= scale;
  return vector;
}

}  // namespace

trainer::Model MakePlantedModel(int titles, int users, int dim, int clusters, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<float> gauss;
  std::vector<std::vector<float>> centers(static_cast<size_t>(clusters));
  for (auto& center : centers) {
    center.resize(static_cast<size_t>(dim));
    for (float& x : center) x = gauss(random);
  }
  std::uniform_int_distribution<int> cluster(0, clusters - 1);
  TinyModelSpec spec;
  spec.components = dim;
  for (int u = 0; u < users; ++u) {
    spec.user_ids.push_back(u);
    spec.user_vectors.push_back(Around(centers[static_cast<size_t>(cluster(random))], random));
  }
  for (int t = 0; t < titles; ++t) {
    spec.title_ids.push_back(t);
    spec.title_vectors.push_back(Around(centers[static_cast<size_t>(cluster(random))], random));
  }
  return MakeTinyModel(spec);
}

}  // namespace vitrina::serving::testing
