#pragma once

#include <cstdint>
#include <vector>

#include "trainer/dataset.h"
#include "trainer/interactions.h"
#include "trainer/model.h"

namespace vitrina::trainer::testing {

// Users and items in latent clusters: each user's positives come mostly from its own cluster, so
// a model that learns anything ranks in-cluster items first.
struct PlantedOptions {
  int users = 300;
  int items = 200;
  int clusters = 5;
  int positives_per_user = 20;
  double in_cluster = 0.9;
  // Logistic needs negatives: this many out-of-cluster items per user, with value -1.
  int negatives_per_user = 0;
  double test_fraction = 0.25;  // of each user's positives
  uint64_t seed = 7;
};

struct PlantedData {
  Dataset dataset;
  Interactions train;
  Interactions test;  // positives only
  std::vector<int> user_cluster;
  std::vector<int> item_cluster;
};

// External ids are 1000 + user and 50000 + item, so that ids and indices differ.
PlantedData MakePlantedData(const PlantedOptions& options = {});

// Mean test AUC with the train interactions excluded (LightFM's auc_score(...).mean()).
double TestAuc(const Model& model, const PlantedData& data);

}  // namespace vitrina::trainer::testing
