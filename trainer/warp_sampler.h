#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "trainer/loss.h"
#include "trainer/training_context.h"
#include "trainer/worker.h"

// The negative search WARP and k-OS WARP share (the loop of LightFM's fit_warp).
namespace vitrina::trainer {

// How many uniform item draws are made ahead of their use. At scale the item table is several
// times the L3 and each draw's row is a miss to memory (~100 ns here, a dot product ~10 ns):
// enough draws must be on their way at once to hide it.
inline constexpr size_t kNegativeDrawsAhead = 12;

// A worker's stream of uniform item draws, each drawn kNegativeDrawsAhead uses before it is
// needed and its weights prefetched then. Draws are used in the order they are made, so the
// sequence is the stream's, as if drawn on demand.
template <class Step>
class NegativeDraws {
 public:
  NegativeDraws(const Step& step, Pcg32& rng, int32_t n_items)
      : step_(step), rng_(rng), n_items_(static_cast<uint32_t>(n_items)) {
    for (int32_t& draw : ahead_) draw = Draw();
  }

  int32_t Next() {
    const int32_t draw = ahead_[next_];
    ahead_[next_] = Draw();
    next_ = next_ + 1 == ahead_.size() ? 0 : next_ + 1;
    return draw;
  }

 private:
  int32_t Draw() {
    const auto item = static_cast<int32_t>(rng_.Below(n_items_));
    step_.PrefetchItemWeights(item);
    return item;
  }

  const Step& step_;
  Pcg32& rng_;
  const uint32_t n_items_;
  std::array<int32_t, kNegativeDrawsAhead> ahead_{};
  size_t next_ = 0;
};

struct NegativeSearch {
  int32_t negative = -1;  // -1: no violating negative within max_sampled draws
  int sampled = 0;        // draws made, including the one found
};

// Draws items uniformly until one scores above positive_prediction - 1 and is not a positive of
// the user, at most max_sampled times. As in LightFM 1.17 the positives lookup is only consulted
// for a violating draw, and a draw that hits a positive is skipped but still counted. When found,
// worker.negative holds the negative's representation and the negative's accumulators are on
// their way for the update.
template <class Step>
NegativeSearch FindViolatingNegative(Step& step, const TrainingContext& context, Worker& worker,
                                     NegativeDraws<Step>& draws, int32_t user,
                                     float positive_prediction) {
  const int max_sampled = context.hyperparameters.max_sampled;
  NegativeSearch search;
  while (search.sampled < max_sampled) {
    ++search.sampled;
    const int32_t negative = draws.Next();
    float prediction;
    const bool represented = step.PredictItem(negative, worker.negative.data(), &prediction);
    if (prediction > positive_prediction - 1.0f) {
      if (context.interactions.Contains(user, negative)) continue;
      step.PrefetchItemAccumulators(negative);
      if (!represented) step.RepresentItem(negative, worker.negative.data());
      search.negative = negative;
      return search;
    }
  }
  return search;
}

// The WARP rank estimate's loss for each number of draws: log(max(1, floor((n_items - 1) / s))),
// with LightFM's integer division. The table stops where the loss reaches 0 (s >= n_items - 1), so
// its size is bounded by the catalogue whatever max_sampled is.
class WarpLossTable {
 public:
  WarpLossTable(int32_t n_items, int max_sampled)
      : losses_(static_cast<size_t>(std::min(max_sampled, std::max(n_items - 1, 1))) + 1, 0.0f) {
    for (size_t s = 1; s < losses_.size(); ++s) {
      losses_[s] =
          static_cast<float>(std::log(std::max(1, (n_items - 1) / static_cast<int32_t>(s))));
    }
  }
  float operator()(int sampled) const {
    return static_cast<size_t>(sampled) < losses_.size() ? losses_[sampled] : 0.0f;
  }

 private:
  std::vector<float> losses_;
};

// One WARP update once the positive is chosen (shared by WARP and k-OS WARP): search a violating
// negative, then a pairwise step sized by the rank estimate, times `weight`, clipped at
// kMaxWarpLoss. Counts the draws for the epoch's sampled-negatives figure.
template <class Step>
void WarpUpdate(Step& step, const TrainingContext& context, Worker& worker, NegativeDraws<Step>& draws,
                const WarpLossTable& loss_by_sampled, int32_t user, int32_t positive,
                float positive_prediction, float weight) {
  const NegativeSearch search =
      FindViolatingNegative(step, context, worker, draws, user, positive_prediction);
  if (search.negative >= 0) {
    const float loss = std::min(weight * loss_by_sampled(search.sampled), kMaxWarpLoss);
    step.Pairwise(loss, user, positive, search.negative, worker.positive.data(), worker.negative.data());
  }
  worker.figure_sum += search.sampled;
  ++worker.figure_count;
}

}  // namespace vitrina::trainer
