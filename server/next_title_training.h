#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "data/prepared_dataset.h"
#include "data/title_transitions.h"
#include "trainer/dataset.h"
#include "trainer/interactions.h"
#include "trainer/model.h"
#include "trainer/next_item_evaluation.h"

namespace vitrina::server {

// What the trainer sees of the next-title model: "users" are previous titles and items next
// titles, both described by the titles' own genre/creator features (plus their identity), so a
// title never seen before another still has a representation.
struct NextTitleTrainingData {
  trainer::Dataset dataset;
  trainer::Interactions train;              // previous -> next, weights summed per pair
  std::vector<trainer::NextItemCase> test;  // held-out transitions
};

// Every title of `title_features` enters both sides (a title without features by its identity
// alone); transitions between titles outside it are dropped.
absl::StatusOr<NextTitleTrainingData> BuildNextTitleTrainingData(const data::FeatureTriples& title_features,
                                                                 const data::TitleTransitions& transitions,
                                                                 bool use_title_features);

// Fits a fresh model on data.train and evaluates it on data.test (hit rate@k, MRR).
struct FittedNextTitleModel {
  trainer::Model model;
  trainer::NextItemMetrics metrics;
};
absl::StatusOr<FittedNextTitleModel> FitNextTitleModel(const NextTitleTrainingData& data,
                                                       const trainer::Hyperparameters& hyperparameters,
                                                       const trainer::FitOptions& options, int k);

}  // namespace vitrina::server
