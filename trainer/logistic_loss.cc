#include <cmath>

#include "trainer/loss.h"
#include "trainer/sgd_step.h"

namespace vitrina::trainer {
namespace {

// LightFM's fit_logistic: every interaction is a sample; its value's sign is the label (> 0 is
// positive, anything else negative), the gradient is weight * (sigmoid(prediction) - label).
template <class Schedule, bool kRegularized>
class LogisticLoss final : public Loss {
 public:
  explicit LogisticLoss(const Schedule& schedule) : schedule_(schedule) {}

  void TrainSamples(std::span<const Sample> samples, const TrainingContext& context,
                    Worker& worker) const override {
    SgdStep<Schedule, kRegularized> step(context, worker, schedule_);
    for (size_t s = 0; s < samples.size(); ++s) {
      if (s + kPrefetchDistance < samples.size()) step.Prefetch(samples[s + kPrefetchDistance]);
      const int32_t user = samples[s].user;
      const int32_t item = samples[s].item;
      const float weight = samples[s].weight;
      const bool positive = samples[s].value > 0;

      step.RepresentUser(user);
      step.RepresentItem(item, worker.positive.data());
      const float logit = step.Predict(worker.positive.data());
      const float loss = weight * (Sigmoid(logit) - (positive ? 1.0f : 0.0f));
      step.Pointwise(loss, user, item, worker.positive.data());

      worker.figure_sum += weight * SoftplusOfNegative(positive ? logit : -logit);
      ++worker.figure_count;
    }
  }

  std::string_view FigureName() const override { return "log_loss"; }

 private:
  const Schedule schedule_;
};

}  // namespace

std::unique_ptr<Loss> MakeLogisticLoss(const Hyperparameters& hyperparameters) {
  return InstantiateLoss<LogisticLoss>(hyperparameters);
}

}  // namespace vitrina::trainer
