#include <cmath>

#include "trainer/loss.h"
#include "trainer/sgd_step.h"

namespace vitrina::trainer {
namespace {

// LightFM's fit_bpr: for each positive (value > 0), one negative; the gradient is
// weight * (1 - sigmoid(positive prediction - negative prediction)).
template <class Schedule, bool kRegularized>
class BprLoss final : public Loss {
 public:
  explicit BprLoss(const Schedule& schedule) : schedule_(schedule) {}

  void TrainSamples(std::span<const Sample> samples, const TrainingContext& context,
                    Worker& worker) const override {
    SgdStep<Schedule, kRegularized> step(context, worker, schedule_);
    const TrainingInteractions& interactions = context.interactions;
    const auto n_samples = static_cast<uint32_t>(interactions.size());
    for (size_t s = 0; s < samples.size(); ++s) {
      if (s + kPrefetchDistance < samples.size()) step.Prefetch(samples[s + kPrefetchDistance]);
      if (!(samples[s].value > 0)) continue;
      const int32_t user = samples[s].user;
      const int32_t positive = samples[s].item;
      const float weight = samples[s].weight;

      // LightFM draws the negative as the item of a random interaction, not a uniform item: a
      // popularity-weighted draw, retried (at most once per interaction) until it is not one of
      // the user's positives. Kept: BPR's quality figures depend on it.
      int32_t negative = positive;
      for (uint32_t attempt = 0; attempt < n_samples; ++attempt) {
        negative = interactions.items[worker.rng.Below(n_samples)];
        if (!interactions.Contains(user, negative)) break;
      }

      step.RepresentUser(user);
      step.RepresentItem(positive, worker.positive.data());
      step.RepresentItem(negative, worker.negative.data());
      const float difference =
          step.Predict(worker.positive.data()) - step.Predict(worker.negative.data());
      const float loss = weight * (1.0f - Sigmoid(difference));
      step.Pairwise(loss, user, positive, negative, worker.positive.data(), worker.negative.data());

      worker.figure_sum += SoftplusOfNegative(difference);
      ++worker.figure_count;
    }
  }

  std::string_view FigureName() const override { return "bpr_loss"; }

 private:
  const Schedule schedule_;
};

}  // namespace

std::unique_ptr<Loss> MakeBprLoss(const Hyperparameters& hyperparameters) {
  return InstantiateLoss<BprLoss>(hyperparameters);
}

}  // namespace vitrina::trainer
