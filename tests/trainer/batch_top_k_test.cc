#include "trainer/batch_top_k.h"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "tests/trainer/planted_data.h"

namespace vitrina::trainer {
namespace {

TEST(BatchTopKTest, EqualsPerUserScoringWithTheSameExclusions) {
  const testing::PlantedData data = testing::MakePlantedData();
  Hyperparameters hp;
  hp.loss = LossKind::kWarp;
  Model model = *Model::Create(hp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 3}).ok());
  ASSERT_TRUE(model.SetConsumedItems(data.test.ToCsr()).ok());
  const CsrMatrix train = data.train.ToCsr();

  std::vector<int32_t> users(model.n_users());
  std::iota(users.begin(), users.end(), 0);
  const auto batch = BatchTopK(model, users, {.k = 7, .threads = 2, .excluded = &train});
  ASSERT_TRUE(batch.ok()) << batch.status().message();
  std::vector<float> scores(model.n_items());
  for (int32_t user : {0, 17, 299}) {
    ASSERT_TRUE(model.ScoreItems(user, scores).ok());
    const auto consumed = model.ConsumedItems(user);
    const auto expected = TopK(scores, 7, [&](int32_t item) {
      return train.Contains(user, item) ||
             std::binary_search(consumed.begin(), consumed.end(), item);
    });
    ASSERT_EQ((*batch)[user].size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_EQ((*batch)[user][i].index, expected[i].index);
      EXPECT_NEAR((*batch)[user][i].score, expected[i].score, 1e-5);
      EXPECT_FALSE(train.Contains(user, (*batch)[user][i].index));
    }
  }
  EXPECT_FALSE(BatchTopK(model, std::vector<int32_t>{model.n_users()}, {}).ok());
  EXPECT_FALSE(BatchTopK(model, users, {.k = 0}).ok());
}

}  // namespace
}  // namespace vitrina::trainer
