#include "bench/ann/planted_factors.h"

#include <cmath>
#include <cstdlib>
#include <random>
#include <vector>

#include "fmt/format.h"

namespace vitrina::bench {
namespace {

// Writes norm * unit(center + spread * noise) and a bias into one table row.
void WriteRow(trainer::EmbeddingTable& table, int32_t row, const std::vector<float>& center, double spread, double norm,
              double bias, std::mt19937_64& random) {
  std::normal_distribution<float> gauss;
  const int d = table.no_components;
  float* out = table.Row(row);
  double length = 0;
  for (int c = 0; c < d; ++c) {
    out[c] = center[static_cast<size_t>(c)] + static_cast<float>(spread) * gauss(random) / std::sqrt(static_cast<float>(d));
    length += static_cast<double>(out[c]) * out[c];
  }
  const auto scale = static_cast<float>(norm / std::sqrt(length));
  for (int c = 0; c < d; ++c) out[c] *= scale;
  out[table.bias_lane()] = static_cast<float>(bias);
}

}  // namespace

trainer::Model MakePlantedModel(const PlantedFactorsSpec& spec) {
  std::mt19937_64 random(spec.seed);
  std::normal_distribution<float> gauss;
  std::lognormal_distribution<double> norm(0.0, spec.norm_sigma);
  std::normal_distribution<double> bias(0.0, spec.bias_sigma);
  std::uniform_int_distribution<int> cluster(0, spec.clusters - 1);

  std::vector<std::vector<float>> centers(static_cast<size_t>(spec.clusters), std::vector<float>(static_cast<size_t>(spec.dim)));
  for (auto& center : centers) {
    double length = 0;
    for (float& x : center) {
      x = gauss(random);
      length += static_cast<double>(x) * x;
    }
    for (float& x : center) x = static_cast<float>(x / std::sqrt(length));
  }

  trainer::Hyperparameters hyperparameters;
  hyperparameters.no_components = spec.dim;
  trainer::Dataset dataset(true, true);
  for (int32_t u = 0; u < spec.users; ++u) dataset.users().AddEntity(u);
  for (int32_t t = 0; t < spec.titles; ++t) dataset.items().AddEntity(t);
  trainer::ModelState state;
  state.hyperparameters = hyperparameters;
  trainer::Pcg32 rng(spec.seed, 1);
  state.users.Grow(dataset.users().n_features(), spec.dim, hyperparameters.learning_schedule, rng);
  state.items.Grow(dataset.items().n_features(), spec.dim, hyperparameters.learning_schedule, rng);
  // Identity features only: feature f is entity f.
  for (int32_t t = 0; t < spec.titles; ++t) {
    WriteRow(state.items, t, centers[static_cast<size_t>(cluster(random))], spec.spread, norm(random), bias(random), random);
  }
  for (int32_t u = 0; u < spec.users; ++u) {
    WriteRow(state.users, u, centers[static_cast<size_t>(cluster(random))], spec.spread, norm(random), 0.0, random);
  }
  state.dataset = std::move(dataset);
  absl::StatusOr<trainer::Model> model = trainer::Model::FromState(std::move(state));
  if (!model.ok()) {
    fmt::print(stderr, "cannot build the planted model: {}\n", std::string(model.status().message()));
    std::exit(1);
  }
  return *std::move(model);
}

}  // namespace vitrina::bench
