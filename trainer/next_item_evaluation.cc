#include "trainer/next_item_evaluation.h"

#include <vector>

#include "fmt/format.h"

namespace vitrina::trainer {

int64_t RankOfItem(std::span<const float> scores, int32_t target, std::optional<int32_t> excluded) {
  const float target_score = scores[static_cast<size_t>(target)];
  int64_t ahead = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const auto index = static_cast<int32_t>(i);
    if (index == target || index == excluded) continue;
    if (scores[i] >= target_score) ++ahead;
  }
  return ahead + 1;
}

NextItemMetrics SummarizeRanks(std::span<const int64_t> ranks, int k) {
  NextItemMetrics metrics;
  metrics.cases = static_cast<int64_t>(ranks.size());
  if (ranks.empty()) return metrics;
  double hits = 0;
  double reciprocal = 0;
  for (int64_t rank : ranks) {
    if (rank <= k) hits += 1;
    reciprocal += 1.0 / static_cast<double>(rank);
  }
  metrics.hit_rate_at_k = hits / static_cast<double>(ranks.size());
  metrics.mrr = reciprocal / static_cast<double>(ranks.size());
  return metrics;
}

absl::StatusOr<NextItemMetrics> EvaluateNextItems(const Model& model, std::span<const NextItemCase> cases, int k) {
  if (k < 1) return absl::InvalidArgumentError(fmt::format("k must be at least 1, got {}", k));
  std::vector<float> scores(static_cast<size_t>(model.n_items()));
  std::vector<int64_t> ranks;
  ranks.reserve(cases.size());
  for (const NextItemCase& c : cases) {
    if (c.next_item < 0 || c.next_item >= model.n_items()) {
      return absl::InvalidArgumentError(
          fmt::format("next item {} is out of range (the model has {} items)", c.next_item, model.n_items()));
    }
    if (absl::Status scored = model.ScoreItems(c.user, scores); !scored.ok()) return scored;
    ranks.push_back(RankOfItem(scores, c.next_item, c.excluded_item));
  }
  return SummarizeRanks(ranks, k);
}

}  // namespace vitrina::trainer
