#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/trainer/planted_data.h"
#include "trainer/model.h"

namespace vitrina::trainer {
namespace {

using testing::MakePlantedData;
using testing::PlantedData;
using testing::PlantedOptions;
using testing::TestAuc;

Model MakeModel(LossKind loss, int components = 16) {
  Hyperparameters hp;
  hp.loss = loss;
  hp.no_components = components;
  hp.random_state = 42;
  return *Model::Create(hp);
}

Model MakeModel(const Hyperparameters& hp) { return *Model::Create(hp); }

// Ranking by cluster alone scores about 0.88 here (a tenth of the positives are off-cluster); a
// model that learned nothing scores 0.5.
TEST(TrainingTest, EveryLossLearnsPlantedClusters) {
  const PlantedData implicit = MakePlantedData();
  const PlantedData with_negatives = MakePlantedData({.negatives_per_user = 20});
  for (LossKind loss : {LossKind::kLogistic, LossKind::kBpr, LossKind::kWarp, LossKind::kWarpKos}) {
    const PlantedData& data = loss == LossKind::kLogistic ? with_negatives : implicit;
    Model model = MakeModel(loss);
    ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 20}).ok());
    EXPECT_GT(TestAuc(model, data), loss == LossKind::kWarpKos ? 0.83 : 0.85) << LossName(loss);
  }
}

TEST(TrainingTest, AdadeltaLearnsToo) {
  const PlantedData data = MakePlantedData();
  Hyperparameters hp;
  hp.loss = LossKind::kWarp;
  hp.learning_schedule = LearningSchedule::kAdadelta;
  Model model = MakeModel(hp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 20}).ok());
  EXPECT_GT(TestAuc(model, data), 0.85);
}

TEST(TrainingTest, TwoHogwildThreadsLearnAsWell) {
  const PlantedData data = MakePlantedData({.users = 1000, .items = 400});
  Model model = MakeModel(LossKind::kWarp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 15, .threads = 2}).ok());
  EXPECT_GT(TestAuc(model, data), 0.85);
}

TEST(TrainingTest, SideFeaturesCarryTasteToItemsWithoutInteractions) {
  // Items share a "cluster:c" feature; the items of the second half get no training interaction,
  // so only their cluster feature can place them.
  PlantedData data = MakePlantedData();
  Dataset dataset(true, true, true);
  for (int32_t u = 0; u < data.dataset.users().n_entities(); ++u)
    dataset.users().AddEntity(data.dataset.users().ids().IdAt(u));
  for (int32_t i = 0; i < data.dataset.items().n_entities(); ++i) {
    const std::vector<WeightedFeature> features = {
        {"cluster:" + std::to_string(data.item_cluster[i]), 1.0f}};
    ASSERT_TRUE(dataset.items().SetFeatures(data.dataset.items().ids().IdAt(i), features).ok());
  }
  const int32_t cold_from = dataset.items().n_entities() / 2;
  Interactions train;
  train.n_users = data.train.n_users;
  train.n_items = data.train.n_items;
  for (size_t e = 0; e < data.train.size(); ++e) {
    if (data.train.items[e] < cold_from) train.Add(data.train.users[e], data.train.items[e], 1.0f);
  }
  Model model = MakeModel(LossKind::kWarp);
  ASSERT_TRUE(model.Fit(dataset, train, {.epochs = 20}).ok());
  // A user's scores of cold items: its own cluster's must come first on average.
  int own_first = 0;
  std::vector<float> scores(model.n_items());
  for (int32_t u = 0; u < model.n_users(); ++u) {
    ASSERT_TRUE(model.ScoreItems(u, scores).ok());
    double own = 0, other = 0;
    int n_own = 0, n_other = 0;
    for (int32_t i = cold_from; i < model.n_items(); ++i) {
      (data.item_cluster[i] == data.user_cluster[u] ? own : other) += scores[i];
      (data.item_cluster[i] == data.user_cluster[u] ? n_own : n_other) += 1;
    }
    own_first += own / n_own > other / n_other;
  }
  EXPECT_GT(own_first, model.n_users() * 9 / 10);
}

TEST(TrainingTest, ZeroSampleWeightsLearnNothing) {
  PlantedData data = MakePlantedData({.users = 1000, .items = 400, .negatives_per_user = 10});
  for (float& weight : data.train.weights) weight = 0.0f;
  for (LossKind loss : {LossKind::kLogistic, LossKind::kBpr, LossKind::kWarp}) {
    Model model = MakeModel(loss);
    ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 5}).ok());
    const double auc = TestAuc(model, data);
    EXPECT_GT(auc, 0.45) << LossName(loss);
    EXPECT_LT(auc, 0.55) << LossName(loss);
  }
}

TEST(TrainingTest, HeavyRegularizationLowersAuc) {
  const PlantedData data = MakePlantedData();
  for (LossKind loss : {LossKind::kBpr, LossKind::kWarp, LossKind::kWarpKos}) {
    Hyperparameters hp;
    hp.loss = loss;
    hp.no_components = 16;
    Model plain = MakeModel(hp);
    hp.item_alpha = hp.user_alpha = 1.0f;
    Model regularized = MakeModel(hp);
    ASSERT_TRUE(plain.Fit(data.dataset, data.train, {.epochs = 10}).ok());
    ASSERT_TRUE(regularized.Fit(data.dataset, data.train, {.epochs = 10}).ok()) << LossName(loss);
    EXPECT_LT(TestAuc(regularized, data), TestAuc(plain, data) - 0.1) << LossName(loss);
  }
}

TEST(TrainingTest, RegularizedHogwildMergesItsScalesAndStillLearns) {
  const PlantedData data = MakePlantedData({.users = 1000, .items = 400});
  Hyperparameters hp;
  hp.loss = LossKind::kWarp;
  hp.no_components = 16;
  hp.item_alpha = hp.user_alpha = 1e-4f;
  Model model = MakeModel(hp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 10, .threads = 2}).ok());
  EXPECT_GT(TestAuc(model, data), 0.85);
}

TEST(TrainingTest, NoNonFiniteParametersAcrossLearningRates) {
  const PlantedData data = MakePlantedData({.negatives_per_user = 10});
  for (LossKind loss : {LossKind::kLogistic, LossKind::kBpr, LossKind::kWarp, LossKind::kWarpKos}) {
    for (float rate : {1e-3f, 1e-2f, 0.1f, 0.5f, 1.0f}) {
      Hyperparameters hp;
      hp.loss = loss;
      hp.learning_rate = rate;
      Model model = MakeModel(hp);
      const absl::Status status = model.Fit(data.dataset, data.train, {.epochs = 10});
      EXPECT_TRUE(status.ok()) << LossName(loss) << " rate " << rate << ": " << status.message();
    }
  }
}

TEST(TrainingTest, DivergenceFailsNamingTheEpoch) {
  const PlantedData data = MakePlantedData({.negatives_per_user = 10});
  Hyperparameters hp;
  hp.learning_rate = 1e30f;
  Model model = MakeModel(hp);
  const absl::Status status = model.Fit(data.dataset, data.train, {.epochs = 5});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(status.message()).find("epoch 1 of 5"), std::string::npos)
      << status.message();
}

TEST(TrainingTest, OnEpochReportsAndCancels) {
  const PlantedData data = MakePlantedData();
  Model model = MakeModel(LossKind::kWarp);
  std::vector<EpochReport> reports;
  const absl::Status status =
      model.Fit(data.dataset, data.train, {.epochs = 5, .on_epoch = [&](const EpochReport& report) {
                                             reports.push_back(report);
                                             return report.epoch < 1;
                                           }});
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].epoch, 1);
  EXPECT_EQ(reports[1].epochs, 5);
  EXPECT_GE(reports[1].seconds, 0.0);
  EXPECT_EQ(reports[1].figure_name, "sampled_negatives");
  EXPECT_GE(reports[1].figure, 1.0);
}

TEST(TrainingTest, WarpSamplesMoreNegativesAsTheModelLearns) {
  const PlantedData data = MakePlantedData();
  Model model = MakeModel(LossKind::kWarp);
  std::vector<double> sampled;
  ASSERT_TRUE(model
                  .Fit(data.dataset, data.train,
                       {.epochs = 10,
                        .on_epoch =
                            [&](const EpochReport& report) {
                              sampled.push_back(report.figure);
                              return true;
                            }})
                  .ok());
  EXPECT_GT(sampled.back(), 2 * sampled.front());
  EXPECT_LE(sampled.back(), model.hyperparameters().max_sampled);
}

TEST(TrainingTest, WarpNeverUsesAPositiveAsTheNegative) {
  // One user who likes every item: every violating draw is a positive, so WARP must skip them all,
  // spend max_sampled draws per sample and never update anything.
  Dataset dataset;
  dataset.users().AddEntity(1);
  std::vector<Interaction> all_items;
  for (int64_t item = 0; item < 30; ++item) {
    dataset.items().AddEntity(item);
    all_items.push_back({1, item});
  }
  const Interactions train = *dataset.BuildInteractions(all_items);
  for (LossKind loss : {LossKind::kWarp, LossKind::kWarpKos}) {
    Model model = MakeModel(loss);
    double sampled = 0;
    ASSERT_TRUE(model
                    .Fit(dataset, train,
                         {.epochs = 3,
                          .on_epoch =
                              [&](const EpochReport& report) {
                                sampled = report.figure;
                                return true;
                              }})
                    .ok());
    EXPECT_EQ(sampled, model.hyperparameters().max_sampled) << LossName(loss);
    for (float accumulator : model.state().users.gradient_accumulators)
      EXPECT_EQ(accumulator, 1.0f);
    for (float accumulator : model.state().items.gradient_accumulators)
      EXPECT_EQ(accumulator, 1.0f);
  }
}

TEST(TrainingTest, AHugeMaxSampledOnATinyCatalogueNeedsNoHugeTable) {
  const PlantedData data =
      MakePlantedData({.users = 20, .items = 10, .clusters = 2, .positives_per_user = 3});
  Hyperparameters hp;
  hp.loss = LossKind::kWarp;
  hp.max_sampled = 2000000000;
  Model model = MakeModel(hp);
  EXPECT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 2}).ok());
}

TEST(TrainingTest, NonPositiveValuesAreNotWarpOrBprSamples) {
  Dataset dataset;
  dataset.users().AddEntity(1);
  dataset.items().AddEntity(10);
  dataset.items().AddEntity(11);
  const Interactions train =
      *dataset.BuildInteractions(std::vector<Interaction>{{1, 10, -1.0f}, {1, 11, 0.0f}});
  for (LossKind loss : {LossKind::kWarp, LossKind::kBpr}) {
    Model model = MakeModel(loss);
    ASSERT_TRUE(model.Fit(dataset, train, {.epochs = 2}).ok());
    for (float accumulator : model.state().users.gradient_accumulators)
      EXPECT_EQ(accumulator, 1.0f);
  }
}

TEST(TrainingTest, OneThreadWithASeedIsReproducible) {
  const PlantedData data = MakePlantedData();
  Model first = MakeModel(LossKind::kWarp);
  Model second = MakeModel(LossKind::kWarp);
  ASSERT_TRUE(first.Fit(data.dataset, data.train, {.epochs = 3}).ok());
  ASSERT_TRUE(second.Fit(data.dataset, data.train, {.epochs = 3}).ok());
  EXPECT_TRUE(first.state().users == second.state().users);
  EXPECT_TRUE(first.state().items == second.state().items);
}

TEST(TrainingTest, FitEqualsRepeatedFitPartial) {
  const PlantedData data = MakePlantedData();
  for (LossKind loss : {LossKind::kLogistic, LossKind::kBpr, LossKind::kWarp, LossKind::kWarpKos}) {
    Hyperparameters hp;
    hp.loss = loss;
    hp.item_alpha = 1e-4f;  // exercises the regularisation scales too
    Model whole = MakeModel(hp);
    Model partial = MakeModel(hp);
    ASSERT_TRUE(whole.Fit(data.dataset, data.train, {.epochs = 4}).ok());
    for (int epoch = 0; epoch < 4; ++epoch) {
      ASSERT_TRUE(partial.FitPartial(data.dataset, data.train, {.epochs = 1}).ok());
    }
    EXPECT_TRUE(whole.state().users == partial.state().users) << LossName(loss);
    EXPECT_TRUE(whole.state().items == partial.state().items) << LossName(loss);
  }
}

TEST(TrainingTest, FitPartialWithNewUsersAndItemsKeepsOldRowsAndLearnsNewOnes) {
  const PlantedData data = MakePlantedData();
  Model model = MakeModel(LossKind::kWarp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 10}).ok());
  const ModelState before = model.state();

  // New users 9000.. like the items of cluster 0 (old ones and the new items 90000..).
  Dataset grown = model.dataset();
  std::vector<Interaction> interactions;
  for (size_t e = 0; e < data.train.size(); ++e) {
    interactions.push_back({grown.users().ids().IdAt(data.train.users[e]),
                            grown.items().ids().IdAt(data.train.items[e])});
  }
  for (int64_t item = 90000; item < 90010; ++item) grown.items().AddEntity(item);
  for (int64_t user = 9000; user < 9020; ++user) {
    grown.users().AddEntity(user);
    for (int32_t i = 0; i < 40; ++i) {
      if (data.item_cluster[i] == 0) interactions.push_back({user, grown.items().ids().IdAt(i)});
    }
    for (int64_t item = 90000; item < 90005; ++item) interactions.push_back({user, item});
  }
  const Interactions train = *grown.BuildInteractions(interactions);

  // Growing alone (zero epochs) leaves every old row and accumulator as it was.
  ASSERT_TRUE(model.FitPartial(grown, train, {.epochs = 0}).ok());
  EXPECT_EQ(model.n_users(), before.dataset.users().n_entities() + 20);
  EXPECT_EQ(model.n_items(), before.dataset.items().n_entities() + 10);
  const size_t old_user_floats = before.users.weights.size();
  EXPECT_TRUE(std::equal(before.users.weights.begin(), before.users.weights.end(),
                         model.state().users.weights.begin()));
  EXPECT_TRUE(std::equal(before.items.weights.begin(), before.items.weights.end(),
                         model.state().items.weights.begin()));
  EXPECT_TRUE(std::equal(before.users.gradient_accumulators.begin(),
                         before.users.gradient_accumulators.end(),
                         model.state().users.gradient_accumulators.begin()));
  EXPECT_NE(model.state().users.weights[old_user_floats], 0.0f);  // new rows are initialised

  ASSERT_TRUE(model.FitPartial(grown, train, {.epochs = 10}).ok());
  const int32_t new_user = *model.UserIndex(9000);
  std::vector<float> scores(model.n_items());
  ASSERT_TRUE(model.ScoreItems(new_user, scores).ok());
  // The liked new items (90000..90004) outrank the others (90005..90009).
  double liked = 0, unseen = 0;
  for (int64_t item = 90000; item < 90005; ++item) liked += scores[*model.ItemIndex(item)];
  for (int64_t item = 90005; item < 90010; ++item) unseen += scores[*model.ItemIndex(item)];
  EXPECT_GT(liked, unseen);
}

TEST(TrainingTest, FitPartialRefusesADatasetThatReordersIds) {
  const PlantedData data = MakePlantedData();
  Model model = MakeModel(LossKind::kWarp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 1}).ok());
  Dataset reordered;
  for (int32_t u = data.dataset.users().n_entities() - 1; u >= 0; --u)
    reordered.users().AddEntity(data.dataset.users().ids().IdAt(u));
  for (int32_t i = 0; i < data.dataset.items().n_entities(); ++i)
    reordered.items().AddEntity(data.dataset.items().ids().IdAt(i));
  Interactions train = data.train;
  EXPECT_EQ(model.FitPartial(reordered, train, {.epochs = 1}).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TrainingTest, RejectsBadInputs) {
  const PlantedData data = MakePlantedData();
  Model model = MakeModel(LossKind::kWarp);
  EXPECT_EQ(model.Fit(data.dataset, data.train, {.epochs = -1}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(model.Fit(data.dataset, data.train, {.threads = 0}).code(),
            absl::StatusCode::kInvalidArgument);
  Interactions outside = data.train;
  outside.items[0] = outside.n_items;
  EXPECT_EQ(model.Fit(data.dataset, outside, {}).code(), absl::StatusCode::kInvalidArgument);
  Interactions not_finite = data.train;
  not_finite.weights[0] = std::nanf("");
  EXPECT_EQ(model.Fit(data.dataset, not_finite, {}).code(), absl::StatusCode::kInvalidArgument);

  Model kos = MakeModel(LossKind::kWarpKos);
  Interactions weighted = data.train;
  weighted.weights[0] = 2.0f;
  EXPECT_EQ(kos.Fit(data.dataset, weighted, {}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Model::Create(Hyperparameters{.no_components = 0}).ok());
}

TEST(TrainingTest, ServingCallsCheckTheirArguments) {
  const PlantedData data = MakePlantedData();
  Model model = MakeModel(LossKind::kWarp);
  std::vector<float> scores(data.dataset.items().n_entities());
  EXPECT_EQ(model.ScoreItems(0, scores).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 2}).ok());
  EXPECT_EQ(model.ScoreItems(-1, scores).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(model.ScoreItems(model.n_users(), scores).code(), absl::StatusCode::kInvalidArgument);
  std::vector<float> short_scores(3);
  EXPECT_EQ(model.ScoreItems(0, short_scores).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(model.ItemSimilarities(model.n_items(), scores).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(model.Predict(0, -1).ok());
  EXPECT_EQ(model.UserId(model.n_users()), std::nullopt);
  EXPECT_EQ(model.ItemIndex(-5), std::nullopt);
  EXPECT_EQ(*model.UserIndex(1000), 0);
  EXPECT_EQ(*model.ItemId(1), 50001);
}

TEST(TrainingTest, ScoresAreLightFmPredictions) {
  const PlantedData data = MakePlantedData();
  Model model = MakeModel(LossKind::kWarp);
  ASSERT_TRUE(model.Fit(data.dataset, data.train, {.epochs = 2}).ok());
  const EmbeddingTable& users = model.state().users;
  const EmbeddingTable& items = model.state().items;
  std::vector<float> scores(model.n_items());
  ASSERT_TRUE(model.ScoreItems(3, scores).ok());
  for (int32_t item : {0, 7, 99}) {
    double expected = users.Row(3)[users.bias_lane()] + items.Row(item)[items.bias_lane()];
    for (int c = 0; c < users.no_components; ++c) expected += users.Row(3)[c] * items.Row(item)[c];
    EXPECT_NEAR(scores[item], expected, 1e-5);
    EXPECT_NEAR(*model.Predict(3, item), expected, 1e-5);
  }
  std::vector<float> similarities(model.n_items());
  ASSERT_TRUE(model.ItemSimilarities(5, similarities).ok());
  EXPECT_NEAR(similarities[5], 1.0f, 1e-5);
  for (float s : similarities) EXPECT_LE(s, 1.0f + 1e-5f);
}

}  // namespace
}  // namespace vitrina::trainer
