#pragma once

#include <cstdint>

#include "trainer/model.h"

namespace vitrina::bench {

// A model shaped like a trained one without training it (1M titles would take hours here): title
// and user factors drawn around `clusters` random directions, with log-normal norms and small
// biases, as LightFM's factors of a catalog with genres look. Seeded: the same arguments give the
// same model.
struct PlantedFactorsSpec {
  int32_t titles = 1'000'000;
  int32_t users = 2'000;
  int dim = 64;
  int clusters = 1'000;
  double spread = 0.6;       // noise around the cluster direction, relative to it
  double norm_sigma = 0.5;   // log-normal sigma of the vectors' lengths
  double bias_sigma = 0.3;
  uint64_t seed = 42;
};

trainer::Model MakePlantedModel(const PlantedFactorsSpec& spec);

}  // namespace vitrina::bench
