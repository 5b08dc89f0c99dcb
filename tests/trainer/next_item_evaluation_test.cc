#include "trainer/next_item_evaluation.h"

#include <gtest/gtest.h>

#include <vector>

namespace vitrina::trainer {
namespace {

TEST(RankOfItemTest, CountsHigherAndEqualScoresAheadAndSkipsTheExcludedItem) {
  //                              0     1     2     3     4
  const std::vector<float> scores{0.9f, 0.5f, 0.7f, 0.5f, 0.1f};
  EXPECT_EQ(RankOfItem(scores, 0, std::nullopt), 1);
  EXPECT_EQ(RankOfItem(scores, 2, std::nullopt), 2);
  // A tie counts as ahead (LightFM's convention): item 1 and item 3 both rank behind each other.
  EXPECT_EQ(RankOfItem(scores, 1, std::nullopt), 4);
  EXPECT_EQ(RankOfItem(scores, 3, std::nullopt), 4);
  // The previous title itself never competes with its successor.
  EXPECT_EQ(RankOfItem(scores, 2, 0), 1);
  EXPECT_EQ(RankOfItem(scores, 4, 0), 4);
}

TEST(SummarizeRanksTest, HitRateAndMeanReciprocalRankOfAHandMadeCase) {
  const std::vector<int64_t> ranks{1, 2, 4, 10, 11};
  NextItemMetrics at_3 = SummarizeRanks(ranks, 3);
  EXPECT_EQ(at_3.cases, 5);
  EXPECT_DOUBLE_EQ(at_3.hit_rate_at_k, 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(at_3.mrr, (1.0 + 0.5 + 0.25 + 0.1 + 1.0 / 11.0) / 5.0);
  EXPECT_DOUBLE_EQ(SummarizeRanks(ranks, 10).hit_rate_at_k, 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(SummarizeRanks(ranks, 1).hit_rate_at_k, 1.0 / 5.0);
}

TEST(SummarizeRanksTest, NoCasesGiveZeros) {
  NextItemMetrics none = SummarizeRanks({}, 10);
  EXPECT_EQ(none.cases, 0);
  EXPECT_EQ(none.hit_rate_at_k, 0);
  EXPECT_EQ(none.mrr, 0);
}

TEST(EvaluateNextItemsTest, RefusesKBelowOneAndItemsOutOfRange) {
  Model model = *Model::Create(Hyperparameters{});
  Dataset dataset;
  dataset.users().AddEntity(1);
  dataset.items().AddEntity(1);
  dataset.items().AddEntity(2);
  Interactions train = *dataset.BuildInteractions(std::vector<Interaction>{{1, 2, 1.0f, 1.0f}});
  ASSERT_TRUE(model.Fit(dataset, train, FitOptions{}).ok());
  std::vector<NextItemCase> cases{{.user = 0, .next_item = 1, .excluded_item = 0}};
  EXPECT_EQ(EvaluateNextItems(model, cases, 0).status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<NextItemMetrics> one = EvaluateNextItems(model, cases, 1);
  ASSERT_TRUE(one.ok()) << one.status();
  // Two items, one excluded: the true next item is the only candidate.
  EXPECT_EQ(one->hit_rate_at_k, 1.0);
  EXPECT_EQ(one->mrr, 1.0);
  cases[0].next_item = 2;
  EXPECT_EQ(EvaluateNextItems(model, cases, 1).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitrina::trainer
