#include <algorithm>
#include <functional>

#include "trainer/loss.h"
#include "trainer/sgd_step.h"
#include "trainer/warp_sampler.h"

namespace vitrina::trainer {
namespace {

// LightFM's fit_warp_kos (k-th order statistic): for each interaction, sample n of the user's
// positives (with replacement), take the one the model ranks k-th, and make the WARP step with it.
// As in LightFM every interaction is a sample whatever its value, the positives are every stored
// entry of the user's row, and there are no sample weights. (LightFM's row holds a pair given twice
// once; here, as a sample, it is kept twice, so such a pair is drawn twice as often.)
template <class Schedule, bool kRegularized>
class WarpKosLoss final : public Loss {
 public:
  explicit WarpKosLoss(const Schedule& schedule) : schedule_(schedule) {}

  void TrainSamples(std::span<const Sample> samples, const TrainingContext& context,
                    Worker& worker) const override {
    using Step = SgdStep<Schedule, kRegularized>;
    Step step(context, worker, schedule_);
    NegativeDraws<Step> draws(step, worker.rng, context.item_features.rows);
    const Hyperparameters& hp = context.hyperparameters;
    const TrainingInteractions& positives = context.interactions;
    // LightFM's k-OS takes log(floor((n_items - 1) / sampled)) without WARP's max(1, ...), which is
    // log(0) = -inf with fewer items than draws; the shared table keeps the guard.
    const WarpLossTable loss_by_sampled(context.item_features.rows, hp.max_sampled);
    for (const Sample& sample : samples) {
      const int32_t user = sample.user;
      const int64_t begin = positives.offsets[user];
      const auto row_size = static_cast<uint32_t>(positives.offsets[user + 1] - begin);
      if (row_size == 0) continue;

      step.RepresentUser(user);
      const int n_sampled = std::min<int>(hp.n, static_cast<int>(row_size));
      worker.kos_candidates.clear();
      for (int j = 0; j < n_sampled; ++j) {
        const int32_t item = positives.items[begin + worker.rng.Below(row_size)];
        step.RepresentItem(item, worker.positive.data());
        worker.kos_candidates.emplace_back(step.Predict(worker.positive.data()), item);
      }
      const auto kth = worker.kos_candidates.begin() + (std::min(hp.k, n_sampled) - 1);
      std::nth_element(worker.kos_candidates.begin(), kth, worker.kos_candidates.end(),
                       std::greater<>());
      const auto [positive_prediction, positive] = *kth;
      step.RepresentItem(positive, worker.positive.data());

      // k-OS has no sample weights (LightFM's fit_warp_kos takes none).
      WarpUpdate(step, context, worker, draws, loss_by_sampled, user, positive, positive_prediction,
                 1.0f);
    }
  }

  std::string_view FigureName() const override { return "sampled_negatives"; }

 private:
  const Schedule schedule_;
};

}  // namespace

std::unique_ptr<Loss> MakeWarpKosLoss(const Hyperparameters& hyperparameters) {
  return InstantiateLoss<WarpKosLoss>(hyperparameters);
}

}  // namespace vitrina::trainer
