#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "trainer/hyperparameters.h"

namespace vitrina::tuning {

// A closed range [min, max] searched on a log scale.
struct LogRange {
  double min = 0;
  double max = 0;
};

// What the search may choose. Epochs are not sampled: they are the successive-halving resource
// (every trial runs the rung schedule from min_epochs up to max_epochs until it is dropped), so
// the winner's epochs are those of the last rung it reached.
struct SearchSpace {
  // WARP alone by default: it is the loss that optimises the top of the ranking (precision@k), and
  // a small budget spent on losses that rarely win there is a budget lost.
  std::vector<trainer::LossKind> losses = {trainer::LossKind::kWarp};
  // Integer, log-uniform. A trial's cost grows with it, and a search within a few trainings' time
  // affords a handful of trials, so the default stays near a default training's size.
  int min_components = 16;
  int max_components = 40;
  // Log-uniform; unset means each loss's own default range (DefaultLearningRates).
  std::optional<LogRange> learning_rate;
  // item_alpha and user_alpha, each independently: 0 with probability zero_alpha_probability,
  // otherwise log-uniform in alpha. Measured on ml-100k (validation split, 27 epochs): below 3e-4
  // an alpha changes little from 0, above 3e-3 it underfits; both near 1e-3 is where the gain is,
  // so the default range is that decade and 0 stays possible.
  LogRange alpha = {3e-4, 3e-3};
  double zero_alpha_probability = 0.05;
  // Integer, log-uniform; WARP and k-OS only (the other losses keep the base value).
  int min_max_sampled = 5;
  int max_max_sampled = 15;
  // The first rung trains 9 epochs: after 3, regularised trials still score below unregularised
  // ones they beat after 27, and successive halving dropped them.
  int min_epochs = 9;
  int max_epochs = 27;

  // InvalidArgument naming the first field out of range.
  absl::Status Validate() const;
};

// The learning rates worth trying for each loss with adagrad (WARP's updates are larger, so its
// range ends lower).
LogRange DefaultLearningRates(trainer::LossKind loss);

// How many unit-cube coordinates HyperparametersAt reads.
inline constexpr int kSearchDimensions = 6;

// Maps a point of [0, 1)^kSearchDimensions onto hyperparameters: `base` with loss, no_components,
// learning_rate, item_alpha, user_alpha and max_sampled replaced. Coordinate order: loss,
// components, learning rate, item alpha, user alpha, max_sampled.
trainer::Hyperparameters HyperparametersAt(const SearchSpace& space,
                                           std::span<const double> point,
                                           const trainer::Hyperparameters& base);

// "warp d=32 lr=0.0412 item_alpha=1.2e-04 user_alpha=0 max_sampled=12"
std::string DescribeSearchedParameters(const trainer::Hyperparameters& hyperparameters);

}  // namespace vitrina::tuning
