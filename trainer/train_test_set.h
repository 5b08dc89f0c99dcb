#pragma once

#include <optional>
#include <span>

#include "absl/status/statusor.h"
#include "trainer/dataset.h"
#include "trainer/interactions.h"
#include "trainer/triplet_file.h"

namespace vitrina::trainer {

struct TrainTestOptions {
  // Keep only rows with value >= min_rating, storing the value (LightFM's fetch_movielens); without
  // it every row is a positive of value 1.
  std::optional<float> min_rating = std::nullopt;
  // Use each row's value as its sample weight (value 1) instead.
  bool value_is_weight = false;
};

struct TrainTestSet {
  Dataset dataset;
  Interactions train;
  Interactions test;  // empty when no test rows were given
};

// Builds the dataset from the ids of every row of both files, filtered or not, so that the matrix
// shape is LightFM's (its MovieLens loader sizes the matrices from both files), then the two
// interaction matrices. InvalidArgument when a filter or weight needs a value a row lacks.
absl::StatusOr<TrainTestSet> BuildTrainTestSet(std::span<const TripletRow> train_rows,
                                               std::span<const TripletRow> test_rows,
                                               const TrainTestOptions& options);

}  // namespace vitrina::trainer
