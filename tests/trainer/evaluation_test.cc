#include "trainer/evaluation.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "tests/trainer/planted_data.h"
#include "trainer/model.h"

namespace vitrina::trainer {
namespace {

// Two users, five items, one component: every user's embedding is 1 and item i's is kScores[i],
// biases 0, so a user's score of item i is kScores[i].
constexpr float kScores[] = {5, 4, 3, 2, 1};

Model ModelWithKnownScores() {
  ModelState state;
  state.hyperparameters.no_components = 1;
  for (int64_t u = 0; u < 2; ++u) state.dataset.users().AddEntity(u);
  for (int64_t i = 0; i < 5; ++i) state.dataset.items().AddEntity(i);
  Pcg32 rng;
  state.users.Grow(2, 1, LearningSchedule::kAdagrad, rng);
  state.items.Grow(5, 1, LearningSchedule::kAdagrad, rng);
  for (int32_t u = 0; u < 2; ++u) state.users.Row(u)[0] = 1.0f;
  for (int32_t i = 0; i < 5; ++i) state.items.Row(i)[0] = kScores[i];
  return *Model::FromState(std::move(state));
}

class EvaluationTest : public ::testing::Test {
 protected:
  // User 0: train {item 0}, test {items 1, 3}; user 1 has no test entries.
  Model model_ = ModelWithKnownScores();
  CsrMatrix train_ = CsrMatrix::FromEntries(2, 5, {{0, 0, 1}, {1, 4, 1}});
  CsrMatrix test_ = CsrMatrix::FromEntries(2, 5, {{0, 1, 1}, {0, 3, 1}});
  EvaluationOptions options_{.k = 2, .train = &train_};
};

TEST_F(EvaluationTest, RanksExcludeTrainItemsAndTheItemItself) {
  const absl::StatusOr<CsrMatrix> ranks = PredictRanks(model_, test_, options_);
  ASSERT_TRUE(ranks.ok());
  // Items 1..4 score 4, 3, 2, 1: item 1 is first (0), item 3 third (2).
  EXPECT_EQ(ranks->values, std::vector<float>({0, 2}));
  // Without the train matrix item 0 (score 5) is ahead of both.
  EXPECT_EQ(PredictRanks(model_, test_, {.k = 2})->values, std::vector<float>({1, 3}));
}

TEST_F(EvaluationTest, MetricsFollowLightFmsDefinitions) {
  // Only users with a test entry are reported.
  EXPECT_EQ(*PrecisionAtK(model_, test_, options_), std::vector<float>({0.5f}));
  EXPECT_EQ(*RecallAtK(model_, test_, options_), std::vector<float>({0.5f}));
  EXPECT_EQ(*ReciprocalRank(model_, test_, options_), std::vector<float>({1.0f}));
  // Negatives are items 2 and 4; of the pairs (1,2) (1,4) (3,2) (3,4) three are ordered right.
  EXPECT_EQ(*AucScore(model_, test_, options_), std::vector<float>({0.75f}));

  const absl::StatusOr<EvaluationSummary> summary = Evaluate(model_, test_, options_);
  ASSERT_TRUE(summary.ok());
  EXPECT_DOUBLE_EQ(summary->precision_at_k, 0.5);
  EXPECT_DOUBLE_EQ(summary->auc, 0.75);
  EXPECT_EQ(summary->users, 1);
}

TEST_F(EvaluationTest, RefusesOverlappingTrainAndTestAndBadShapes) {
  const CsrMatrix overlapping = CsrMatrix::FromEntries(2, 5, {{0, 0, 1}});
  EXPECT_EQ(PredictRanks(model_, overlapping, options_).status().code(),
            absl::StatusCode::kInvalidArgument);
  const CsrMatrix wrong_shape = CsrMatrix::FromEntries(3, 5, {});
  EXPECT_EQ(PredictRanks(model_, wrong_shape, options_).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PrecisionAtK(model_, test_, {.k = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PredictRanksTest, EqualsLightFmsPairwiseCountOnATrainedModel) {
  const testing::PlantedData data = testing::MakePlantedData();
  Hyperparameters hp;
  hp.loss = LossKind::kBpr;
  Model model = *Model::Create(hp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 2}).ok());
  const CsrMatrix train = data.train.ToCsr();
  const CsrMatrix test = data.test.ToCsr();
  const absl::StatusOr<CsrMatrix> ranks =
      PredictRanks(model, test, {.train = &train, .threads = 2});
  ASSERT_TRUE(ranks.ok());
  // LightFM's predict_ranks loop: every non-train item other than the test item itself that
  // scores at least as high.
  std::vector<float> scores(model.n_items());
  for (int32_t user = 0; user < test.rows; ++user) {
    ASSERT_TRUE(model.ScoreItems(user, scores).ok());
    for (int64_t i = test.offsets[user]; i < test.offsets[user + 1]; ++i) {
      int expected = 0;
      for (int32_t item = 0; item < model.n_items(); ++item) {
        expected += item != test.indices[i] && !train.Contains(user, item) &&
                    scores[item] >= scores[test.indices[i]];
      }
      EXPECT_EQ(ranks->values[i], expected) << "user " << user;
    }
  }
}

TEST(RandomTrainTestSplitTest, SplitsDisjointlyAndReproducibly) {
  Interactions all;
  all.n_users = 50;
  all.n_items = 40;
  for (int32_t u = 0; u < 50; ++u) {
    for (int32_t i = 0; i < 40; i += 3) all.Add(u, i, 1.0f);
  }
  const auto split = RandomTrainTestSplit(all, 0.2, 9);
  ASSERT_TRUE(split.ok());
  EXPECT_EQ(split->first.size() + split->second.size(), all.size());
  EXPECT_NEAR(static_cast<double>(split->second.size()) / all.size(), 0.2, 0.01);
  std::set<std::pair<int32_t, int32_t>> train;
  for (size_t e = 0; e < split->first.size(); ++e)
    train.insert({split->first.users[e], split->first.items[e]});
  for (size_t e = 0; e < split->second.size(); ++e) {
    EXPECT_FALSE(train.count({split->second.users[e], split->second.items[e]}));
  }
  EXPECT_EQ(RandomTrainTestSplit(all, 0.2, 9)->second.items, split->second.items);
  EXPECT_NE(RandomTrainTestSplit(all, 0.2, 10)->second.items, split->second.items);
  EXPECT_FALSE(RandomTrainTestSplit(all, 1.0, 9).ok());
}

}  // namespace
}  // namespace vitrina::trainer
