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
  // Integer, log-uniform. On ml-100k's validation split (27 epochs, alphas near 1e-3) trials of
  // d 38-90 led those below 32; an epoch at d 64 costs about 1.4x one at d 30 there, so the range
  // starts at a default training's size and ends short of where the cost would buy no more.
  int min_components = 32;
  int max_components = 96;
  // Log-uniform; unset means each loss's own default range (DefaultLearningRates).
  std::optional<LogRange> learning_rate;
  // item_alpha and user_alpha, each independently: 0 with probability zero_alpha_probability,
  // otherwise log-uniform in alpha. Measured on ml-100k (validation split, 27 epochs): below 3e-4
  // an alpha changes little from 0, above 3e-3 it underfits; both near 1e-3 is where the gain is,
  // so the default range is that decade and 0 stays possible.
  LogRange alpha = {3e-4, 3e-3};
  double zero_alpha_probability = 0.05;
  // Integer, log-uniform; WARP and k-OS only (the other losses keep the base value). On
  // ml-100k's validation split the leading trials sampled 14-27 negatives; 6-7 trailed by ~8%.
  int min_max_sampled = 10;
  int max_max_sampled = 40;
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
