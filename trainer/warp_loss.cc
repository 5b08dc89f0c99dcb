#include <algorithm>

#include "trainer/loss.h"
#include "trainer/sgd_step.h"
#include "trainer/warp_sampler.h"

namespace vitrina::trainer {
namespace {

// LightFM's fit_warp: for each positive (value > 0), search a violating negative; the update's
// size estimates the positive's rank from the number of draws it took, times the sample weight,
// clipped at kMaxWarpLoss.
template <class Schedule, bool kRegularized>
class WarpLoss final : public Loss {
 public:
  explicit WarpLoss(const Schedule& schedule) : schedule_(schedule) {}

  void TrainSamples(std::span<const Sample> samples, const TrainingContext& context,
                    Worker& worker) const override {
    using Step = SgdStep<Schedule, kRegularized>;
    Step step(context, worker, schedule_);
    NegativeDraws<Step> draws(step, worker.rng, context.item_features.rows);
    const WarpLossTable loss_by_sampled(context.item_features.rows,
                                        context.hyperparameters.max_sampled);
    for (size_t s = 0; s < samples.size(); ++s) {
      if (s + kPrefetchDistance < samples.size()) step.Prefetch(samples[s + kPrefetchDistance]);
      if (!(samples[s].value > 0)) continue;
      const int32_t user = samples[s].user;
      const int32_t positive = samples[s].item;

      step.RepresentUser(user);
      step.RepresentItem(positive, worker.positive.data());
      const float positive_prediction = step.Predict(worker.positive.data());
      WarpUpdate(step, context, worker, draws, loss_by_sampled, user, positive, positive_prediction,
                 samples[s].weight);
    }
  }

  std::string_view FigureName() const override { return "sampled_negatives"; }

 private:
  const Schedule schedule_;
};

}  // namespace

std::unique_ptr<Loss> MakeWarpLoss(const Hyperparameters& hyperparameters) {
  return InstantiateLoss<WarpLoss>(hyperparameters);
}

}  // namespace vitrina::trainer
