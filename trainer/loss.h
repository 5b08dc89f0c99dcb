#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>
#include <string_view>

#include "trainer/hyperparameters.h"
#include "trainer/learning_schedules.h"
#include "trainer/training_context.h"
#include "trainer/worker.h"

namespace vitrina::trainer {

// One LightFM loss (fastText's src/loss.h shape): trains on a slice of an epoch's shuffled samples.
// The call is virtual once per slice; inside, the loss is a template over the learning schedule and
// over whether L2 is on, so the per-sample and per-lane code has no indirection.
class Loss {
 public:
  virtual ~Loss() = default;
  // Trains on `samples` in that order (a slice of the epoch's shuffled samples).
  virtual void TrainSamples(std::span<const Sample> samples, const TrainingContext& context,
                            Worker& worker) const = 0;
  // What the worker's epoch figure is the mean of, e.g. "log_loss" or "sampled_negatives".
  virtual std::string_view FigureName() const = 0;
};

// The loss named by the hyperparameters, for their schedule.
std::unique_ptr<Loss> MakeLoss(const Hyperparameters& hyperparameters);

// How many samples ahead a loss prefetches the parameter rows it will need.
inline constexpr size_t kPrefetchDistance = 4;

// LightFM clips WARP and k-OS losses at this value for numerical stability (MAX_LOSS).
inline constexpr float kMaxWarpLoss = 10.0f;

inline float Sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// -log(sigmoid(x)) without overflow: the logistic and BPR losses' running figure.
inline float SoftplusOfNegative(float x) { return std::log1p(std::exp(-std::fabs(x))) + std::max(-x, 0.0f); }

// Instantiates LossTemplate<Schedule, kRegularized> for the hyperparameters.
template <template <class, bool> class LossTemplate>
std::unique_ptr<Loss> InstantiateLoss(const Hyperparameters& hp) {
  const bool regularized = hp.item_alpha > 0 || hp.user_alpha > 0;
  if (hp.learning_schedule == LearningSchedule::kAdagrad) {
    const Adagrad schedule{hp.learning_rate};
    if (regularized) return std::make_unique<LossTemplate<Adagrad, true>>(schedule);
    return std::make_unique<LossTemplate<Adagrad, false>>(schedule);
  }
  const Adadelta schedule{hp.rho, hp.epsilon};
  if (regularized) return std::make_unique<LossTemplate<Adadelta, true>>(schedule);
  return std::make_unique<LossTemplate<Adadelta, false>>(schedule);
}

std::unique_ptr<Loss> MakeLogisticLoss(const Hyperparameters& hyperparameters);
std::unique_ptr<Loss> MakeBprLoss(const Hyperparameters& hyperparameters);
std::unique_ptr<Loss> MakeWarpLoss(const Hyperparameters& hyperparameters);
std::unique_ptr<Loss> MakeWarpKosLoss(const Hyperparameters& hyperparameters);

}  // namespace vitrina::trainer
