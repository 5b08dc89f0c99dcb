// Users placed by their catalog features (LightFM's representation of a user the model was not
// trained on: the sum of its features' embeddings), on a model whose every vector is known.
#include "serving/feature_users.h"

#include <gtest/gtest.h>

#include <vector>

#include "serving/model_sources.h"
#include "serving/filter_chain.h"
#include "tests/serving/tiny_model.h"

namespace vitrina::serving {
namespace {

using testing::Titles;

data::UserRecord User(int64_t id, std::vector<std::string> features) {
  data::UserRecord user;
  user.id = id;
  user.features = std::move(features);
  return user;
}

class FeatureUsersTest : public ::testing::Test {
 protected:
  FeatureUsersTest() {
    testing::TinyModelSpec spec;
    spec.user_ids = {100, 101};
    spec.user_vectors = {{0.5f, 0}, {0, 0.5f}};
    spec.user_features = {{100, {"country:de"}}, {101, {"country:fr", "plan:family"}}};
    spec.user_feature_vectors = {{"country:de", {1, 0}}, {"country:fr", {0, 1}}, {"plan:family", {0, 2}}};
    spec.title_ids = {10, 11};
    spec.title_vectors = {{1, 0}, {0, 1}};
    model_ = std::make_unique<trainer::Model>(testing::MakeTinyModel(spec));
    const std::vector<data::UserRecord> catalog = {
        User(100, {"country:de"}),                          // the model's own
        User(200, {"country:de"}),                          // one known feature
        User(201, {"country:fr", "plan:family", "age:30"}),  // two known, one not
        User(202, {"age:30"}),                              // nothing the model knows
        User(203, {}),                                      // no features
        User(204, {"country:fr", "country:fr"}),            // a feature listed twice counts once
    };
    users_ = FeatureUsers::Build(*model_, catalog);
  }

  std::unique_ptr<trainer::Model> model_;
  FeatureUsers users_;
};

TEST_F(FeatureUsersTest, RowIsTheSumOfTheFeatureEmbeddingsWithoutAnIdentity) {
  EXPECT_EQ(users_.size(), 3) << "the model's own and unplaceable users are left out";
  EXPECT_FALSE(users_.Contains(100));
  EXPECT_FALSE(users_.Contains(202));
  EXPECT_FALSE(users_.Contains(203));
  EXPECT_FALSE(users_.Row(*model_, 202).has_value());
  // [embedding, 1, bias] (ServingIndex::users()); biases are zero in the tiny model.
  EXPECT_EQ(users_.Row(*model_, 200), (std::vector<float>{1, 0, 1, 0}));
  EXPECT_EQ(users_.Row(*model_, 201), (std::vector<float>{0, 3, 1, 0}));
  EXPECT_EQ(users_.Row(*model_, 204), (std::vector<float>{0, 1, 1, 0}));
}

TEST_F(FeatureUsersTest, TheDigestFollowsTheKnownFeaturesOnly) {
  EXPECT_NE(users_.FeaturesDigest(200), 0u);
  EXPECT_NE(users_.FeaturesDigest(200), users_.FeaturesDigest(201));
  EXPECT_EQ(users_.FeaturesDigest(202), 0u);
  const FeatureUsers again = FeatureUsers::Build(*model_, std::vector<data::UserRecord>{User(201, {"plan:family", "country:fr"})});
  EXPECT_EQ(again.FeaturesDigest(201), users_.FeaturesDigest(201)) << "order and unknown features do not matter";
}

TEST_F(FeatureUsersTest, APlacedUserIsRankedByTheirFeatures) {
  const std::vector<float> row = *users_.Row(*model_, 201);
  FilterChain none;
  auto ranked = UserRowRankingSource(*model_, row).Fetch(2, none);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_EQ(Titles(*ranked), (std::vector<int64_t>{11, 10}));
}

}  // namespace
}  // namespace vitrina::serving
