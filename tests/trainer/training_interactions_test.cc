#include "trainer/training_interactions.h"

#include <gtest/gtest.h>

#include <vector>

namespace vitrina::trainer {
namespace {

std::vector<int32_t> Items(const TrainingInteractions& grouped, int32_t user) {
  const auto items = grouped.UserItems(user);
  return {items.begin(), items.end()};
}

TEST(TrainingInteractionsTest, GroupsByUserSortsItemsAndKeepsEveryInteraction) {
  Interactions interactions;
  interactions.n_users = 3;
  interactions.n_items = 6;
  interactions.Add(2, 5, 1.0f);
  interactions.Add(0, 4, 1.0f);
  interactions.Add(2, 1, 1.0f);
  interactions.Add(0, 4, 1.0f);  // a duplicate pair is a second sample, as in LightFM's COO
  interactions.Add(0, 0, 1.0f);
  const TrainingInteractions grouped = TrainingInteractions::FromInteractions(interactions);
  EXPECT_EQ(grouped.offsets, (std::vector<int64_t>{0, 3, 3, 5}));
  EXPECT_EQ(Items(grouped, 0), (std::vector<int32_t>{0, 4, 4}));
  EXPECT_TRUE(Items(grouped, 1).empty());
  EXPECT_EQ(Items(grouped, 2), (std::vector<int32_t>{1, 5}));
  EXPECT_TRUE(grouped.Contains(0, 4));
  EXPECT_TRUE(grouped.Contains(2, 5));
  EXPECT_FALSE(grouped.Contains(0, 5));
  EXPECT_FALSE(grouped.Contains(1, 0));
}

TEST(TrainingInteractionsTest, UnitValuesAndWeightsCostNothingPerInteraction) {
  Interactions interactions;
  interactions.n_users = 2;
  interactions.n_items = 3;
  for (int i = 0; i < 3; ++i) interactions.Add(i % 2, i, 1.0f);
  const TrainingInteractions grouped = TrainingInteractions::FromInteractions(interactions);
  EXPECT_TRUE(grouped.values.empty());
  EXPECT_TRUE(grouped.weights.empty());
  EXPECT_EQ(grouped.Value(1), 1.0f);
  EXPECT_EQ(grouped.Weight(2), 1.0f);
  // 4 bytes an interaction and 8 a user (+1): the training input is no longer 16 bytes a sample
  // twice over (input order and shuffled copy) plus a CSR.
  EXPECT_EQ(grouped.Bytes(), 3 * sizeof(int32_t) + 3 * sizeof(int64_t));
}

TEST(TrainingInteractionsTest, ValuesAndWeightsFollowTheirItemsIntoPlace) {
  Interactions interactions;
  interactions.n_users = 2;
  interactions.n_items = 4;
  interactions.Add(1, 3, 5.0f, 0.5f);
  interactions.Add(0, 2, -1.0f, 1.0f);
  interactions.Add(1, 0, 4.0f, 2.0f);
  interactions.Add(1, 3, 3.0f, 0.25f);
  const TrainingInteractions grouped = TrainingInteractions::FromInteractions(interactions);
  EXPECT_EQ(Items(grouped, 1), (std::vector<int32_t>{0, 3, 3}));
  EXPECT_EQ(grouped.values, (std::vector<float>{-1.0f, 4.0f, 5.0f, 3.0f}));
  EXPECT_EQ(grouped.weights, (std::vector<float>{1.0f, 2.0f, 0.5f, 0.25f}));
}

}  // namespace
}  // namespace vitrina::trainer
