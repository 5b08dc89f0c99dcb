// Quality floors on MovieLens 100k (ua.base / ua.test, rating >= 4: LightFM's fetch_movielens).
// The bar is a mean over 3 seeds (bench/trainer measures it); one seed here keeps the suite
// fast, with floors a little under the bar.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "trainer/evaluation.h"
#include "trainer/model.h"
#include "trainer/train_test_set.h"
#include "trainer/triplet_file.h"

namespace vitrina::trainer {
namespace {

class MovieLensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::filesystem::path folder = std::filesystem::path(VITRINA_SHARED_DATA) / "ml-100k";
    if (!std::filesystem::exists(folder / "ua.base") ||
        !std::filesystem::exists(folder / "ua.test")) {
      GTEST_SKIP() << "MovieLens 100k not found in " << folder
                   << " (VITRINA_SHARED_DATA): skipping the quality floors";
    }
    const auto train_rows = ReadTripletFile((folder / "ua.base").string());
    const auto test_rows = ReadTripletFile((folder / "ua.test").string());
    ASSERT_TRUE(train_rows.ok() && test_rows.ok());
    auto set = BuildTrainTestSet(*train_rows, *test_rows, {.min_rating = 4.0f});
    ASSERT_TRUE(set.ok());
    set_ = std::move(*set);
  }

  EvaluationSummary TrainAndEvaluate(LossKind loss, int threads) {
    Hyperparameters hp;
    hp.loss = loss;
    hp.no_components = 30;
    hp.random_state = 1;
    Model model = *Model::Create(hp);
    EXPECT_TRUE(model.Fit(set_.dataset, set_.train, {.epochs = 30, .threads = threads}).ok());
    const CsrMatrix train = set_.train.ToCsr();
    return *Evaluate(model, set_.test.ToCsr(), {.k = 10, .train = &train, .threads = 2});
  }

  TrainTestSet set_;
};

TEST_F(MovieLensTest, ShapeIsLightFms) {
  EXPECT_EQ(set_.dataset.users().n_entities(), 943);
  EXPECT_EQ(set_.dataset.items().n_entities(), 1682);
  EXPECT_EQ(set_.train.size(), 49906u);
  EXPECT_EQ(set_.test.size(), 5469u);
}

TEST_F(MovieLensTest, WarpReachesLightFmQuality) {
  const EvaluationSummary summary = TrainAndEvaluate(LossKind::kWarp, 1);
  EXPECT_EQ(summary.users, 934);
  EXPECT_GE(summary.precision_at_k, 0.133);
  EXPECT_GE(summary.auc, 0.928);
}

TEST_F(MovieLensTest, HogwildWarpKeepsTheQuality) {
  const EvaluationSummary summary = TrainAndEvaluate(LossKind::kWarp, 2);
  EXPECT_GE(summary.precision_at_k, 0.128);
  EXPECT_GE(summary.auc, 0.925);
}

}  // namespace
}  // namespace vitrina::trainer
