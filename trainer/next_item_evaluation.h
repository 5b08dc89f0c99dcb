#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "absl/status/statusor.h"
#include "trainer/model.h"

// Held-out evaluation of a next-item model: for each case, where the one true next item ranks
// among all items but the one the user just had.
namespace vitrina::trainer {

// One held-out transition in model indices: the "user" row that asks (the previous item as the
// model knows it), the true next item, and the item to leave out of the ranking (the previous item
// itself, when the model also knows it as an item).
struct NextItemCase {
  int32_t user = 0;
  int32_t next_item = 0;
  std::optional<int32_t> excluded_item;
};

struct NextItemMetrics {
  double hit_rate_at_k = 0;  // share of cases whose true next item ranks within the first k
  double mrr = 0;            // mean of 1 / rank (1-based) of the true next item
  int64_t cases = 0;
};

// 1-based rank of `target` in `scores`, `excluded` left out; items scoring equal to the target
// count as ahead of it (LightFM's convention, as the other metrics).
int64_t RankOfItem(std::span<const float> scores, int32_t target, std::optional<int32_t> excluded);

// Hit rate@k and MRR of the given 1-based ranks (zeros when there are none).
NextItemMetrics SummarizeRanks(std::span<const int64_t> ranks, int k);

// Scores every item for each case's user (Model::ScoreItems) and summarizes the ranks.
// InvalidArgument for k < 1 or an index out of range.
absl::StatusOr<NextItemMetrics> EvaluateNextItems(const Model& model, std::span<const NextItemCase> cases, int k);

}  // namespace vitrina::trainer
