#pragma once

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace vitrina::trainer {

// LightFM's four losses, named as LightFM names them ("logistic", "bpr", "warp", "warp-kos").
enum class LossKind { kLogistic, kBpr, kWarp, kWarpKos };

// LightFM's two per-parameter learning-rate schedules ("adagrad", "adadelta").
enum class LearningSchedule { kAdagrad, kAdadelta };

absl::StatusOr<LossKind> ParseLoss(std::string_view name);
std::string_view LossName(LossKind loss);
absl::StatusOr<LearningSchedule> ParseLearningSchedule(std::string_view name);
std::string_view LearningScheduleName(LearningSchedule schedule);

// LightFM's constructor arguments, with LightFM's names and defaults, so that a setting tuned
// with LightFM carries over unchanged.
struct Hyperparameters {
  int no_components = 10;
  LossKind loss = LossKind::kLogistic;
  LearningSchedule learning_schedule = LearningSchedule::kAdagrad;
  float learning_rate = 0.05f;
  float rho = 0.95f;          // adadelta moving-average coefficient
  float epsilon = 1e-6f;      // adadelta conditioning term
  float item_alpha = 0.0f;    // L2 penalty on item feature parameters
  float user_alpha = 0.0f;    // L2 penalty on user feature parameters
  int max_sampled = 10;       // WARP: negatives tried per positive before giving up
  int k = 5;                  // k-OS: the k-th positive of the n sampled is the update's positive
  int n = 10;                 // k-OS: positives sampled per update
  uint64_t random_state = 0;  // seeds initialisation, shuffling and negative sampling

  // InvalidArgument naming the first field out of range.
  absl::Status Validate() const;
};

}  // namespace vitrina::trainer
