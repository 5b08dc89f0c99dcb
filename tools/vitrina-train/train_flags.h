#pragma once

#include <optional>
#include <string>
#include <vector>

#include "trainer/hyperparameters.h"
#include "tuning/search_space.h"

namespace vitrina::tools {

// vitrina-train's command line.
struct TrainFlags {
  static inline const tuning::SearchSpace kSpace;  // the search flags' defaults

  std::string train_path;
  std::string test_path;
  std::optional<float> min_rating;
  bool weights = false;
  std::optional<double> test_fraction;
  trainer::Hyperparameters hyperparameters;
  std::string loss = "logistic";
  std::string learning_schedule = "adagrad";
  int epochs = 10;
  int threads = 1;
  int k = 10;
  std::string output;
  bool metrics_json = false;

  // --search and its options (defaults: tuning::SearchSpace's and tuning::SearchOptions').
  bool search = false;
  int search_trials = 5;
  std::optional<double> search_seconds;
  std::string search_metric = "precision@k";
  std::vector<std::string> search_losses = {"warp"};
  std::vector<int> search_components = {kSpace.min_components, kSpace.max_components};
  std::vector<int> search_epochs = {kSpace.min_epochs, kSpace.max_epochs};
  std::vector<double> search_learning_rate;  // empty: each loss's default range
  std::vector<double> search_alpha = {kSpace.alpha.min, kSpace.alpha.max};
  double search_zero_alpha = kSpace.zero_alpha_probability;
  std::vector<int> search_max_sampled = {kSpace.min_max_sampled, kSpace.max_max_sampled};
  int search_eta = 3;
  double search_validation_fraction = 0.2;
};

}  // namespace vitrina::tools
