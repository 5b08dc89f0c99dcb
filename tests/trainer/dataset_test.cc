#include "trainer/dataset.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vitrina::trainer {
namespace {

TEST(DatasetTest, IdsGetDenseIndicesInOrderOfAppearance) {
  Dataset dataset;
  EXPECT_EQ(dataset.users().AddEntity(700), 0);
  EXPECT_EQ(dataset.users().AddEntity(-3), 1);
  EXPECT_EQ(dataset.users().AddEntity(700), 0);
  EXPECT_EQ(dataset.users().n_entities(), 2);
  EXPECT_EQ(*dataset.users().ids().Find(-3), 1);
  EXPECT_EQ(dataset.users().ids().Find(5), std::nullopt);
  EXPECT_EQ(dataset.users().ids().IdAt(0), 700);
}

TEST(DatasetTest, IdentityAndNamedFeaturesInterleaveInInsertionOrder) {
  FeatureSpace items;
  items.AddEntity(10);  // feature 0: identity of item 10
  ASSERT_TRUE(items
                  .SetFeatures(
                      11, std::vector<WeightedFeature>{{"genre:drama", 1.0f}, {"creator:42", 3.0f}})
                  .ok());
  // item 11 -> identity feature 1, then genre:drama 2, creator:42 3
  EXPECT_EQ(items.n_features(), 4);
  EXPECT_EQ(*items.FeatureIndex("genre:drama"), 2);
  EXPECT_EQ(*items.FeatureIndex("creator:42"), 3);
  EXPECT_EQ(items.FeatureIndex("genre:comedy"), std::nullopt);

  const CsrMatrix raw = *items.BuildFeatureMatrix(false);
  EXPECT_EQ(raw.rows, 2);
  EXPECT_EQ(raw.cols, 4);
  EXPECT_EQ(std::vector<int32_t>(raw.RowIndices(0).begin(), raw.RowIndices(0).end()),
            std::vector<int32_t>({0}));
  EXPECT_EQ(std::vector<int32_t>(raw.RowIndices(1).begin(), raw.RowIndices(1).end()),
            std::vector<int32_t>({1, 2, 3}));

  // LightFM's normalize=True divides each row by its L1 norm: (1 + 1 + 3).
  const CsrMatrix normalized = *items.BuildFeatureMatrix(true);
  EXPECT_FLOAT_EQ(normalized.RowValues(1)[0], 0.2f);
  EXPECT_FLOAT_EQ(normalized.RowValues(1)[2], 0.6f);
  EXPECT_FLOAT_EQ(normalized.RowValues(0)[0], 1.0f);
}

TEST(DatasetTest, WithoutIdentityFeaturesAnEntityNeedsAFeatureToNormalise) {
  FeatureSpace users(/*identity_features=*/false);
  users.AddEntity(1);
  EXPECT_EQ(users.n_features(), 0);
  EXPECT_EQ(users.BuildFeatureMatrix(true).status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(users.SetFeatures(1, std::vector<WeightedFeature>{{"age:30s", 2.0f}}).ok());
  EXPECT_FLOAT_EQ(users.BuildFeatureMatrix(true)->values[0], 1.0f);
}

TEST(DatasetTest, RejectsBadFeatures) {
  FeatureSpace items;
  EXPECT_FALSE(items.SetFeatures(1, std::vector<WeightedFeature>{{"", 1.0f}}).ok());
  EXPECT_FALSE(items.SetFeatures(1, std::vector<WeightedFeature>{{"x", std::nanf("")}}).ok());
}

TEST(DatasetTest, FromPartsRebuildsTheSameSpace) {
  FeatureSpace items;
  items.AddEntity(10);
  ASSERT_TRUE(items.SetFeatures(11, std::vector<WeightedFeature>{{"genre:drama", 0.5f}}).ok());
  items.AddEntity(12);
  const absl::StatusOr<FeatureSpace> rebuilt = FeatureSpace::FromParts(
      true, items.ids().ids(), items.feature_names(), items.SideFeatureMatrix());
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().message();
  EXPECT_TRUE(rebuilt->ids() == items.ids());
  EXPECT_EQ(rebuilt->feature_names(), items.feature_names());
  EXPECT_TRUE(*rebuilt->BuildFeatureMatrix(true) == *items.BuildFeatureMatrix(true));
  EXPECT_FALSE(
      FeatureSpace::FromParts(true, {10, 10}, {"", ""}, CsrMatrix::FromEntries(2, 2, {})).ok());
}

TEST(DatasetTest, ExtendsOnlyWhenOldIndicesKeepTheirMeaning) {
  Dataset old_dataset;
  old_dataset.users().AddEntity(1);
  old_dataset.items().AddEntity(5);
  Dataset grown = old_dataset;
  grown.users().AddEntity(2);
  ASSERT_TRUE(grown.items().SetFeatures(6, std::vector<WeightedFeature>{{"genre:x", 1.0f}}).ok());
  EXPECT_TRUE(grown.Extends(old_dataset));
  EXPECT_FALSE(old_dataset.Extends(grown));
  Dataset other;
  other.users().AddEntity(2);
  other.items().AddEntity(5);
  EXPECT_FALSE(other.Extends(old_dataset));
}

TEST(DatasetTest, BuildsInteractionsFromExternalIds) {
  Dataset dataset;
  dataset.users().AddEntity(100);
  dataset.items().AddEntity(7);
  dataset.items().AddEntity(8);
  const absl::StatusOr<Interactions> interactions =
      dataset.BuildInteractions(std::vector<Interaction>{{100, 8, 4.0f, 0.5f}, {100, 7}});
  ASSERT_TRUE(interactions.ok());
  EXPECT_EQ(interactions->n_users, 1);
  EXPECT_EQ(interactions->n_items, 2);
  EXPECT_EQ(interactions->items, std::vector<int32_t>({1, 0}));
  EXPECT_EQ(interactions->values, std::vector<float>({4.0f, 1.0f}));
  EXPECT_EQ(interactions->weights, std::vector<float>({0.5f, 1.0f}));
  const CsrMatrix csr = interactions->ToCsr();
  EXPECT_TRUE(csr.Contains(0, 1));
  EXPECT_FALSE(csr.Contains(0, 2));

  const absl::Status unknown =
      dataset.BuildInteractions(std::vector<Interaction>{{101, 7}}).status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(unknown.message()).find("101"), std::string::npos);
}

TEST(DatasetTest, CsrSumsDuplicatesAndValidates) {
  const CsrMatrix matrix = CsrMatrix::FromEntries(2, 3, {{1, 2, 1.0f}, {0, 1, 2.0f}, {1, 2, 0.5f}});
  EXPECT_EQ(matrix.nnz(), 2);
  EXPECT_FLOAT_EQ(matrix.RowValues(1)[0], 1.5f);
  EXPECT_TRUE(matrix.Validate().ok());
  CsrMatrix broken = matrix;
  broken.indices[1] = 3;
  EXPECT_FALSE(broken.Validate().ok());
  broken = matrix;
  broken.offsets[1] = 5;
  EXPECT_FALSE(broken.Validate().ok());
}

TEST(DatasetTest, CsrValidateRefusesARowEndingPastTheEntriesBeforeReadingIt) {
  // Found by the model_file fuzz target: offsets that rise past the entries and fall back to the
  // right total had the first row's columns read out of bounds (here from an empty array).
  CsrMatrix matrix;
  matrix.rows = 2;
  matrix.cols = 3;
  matrix.offsets = {0, int64_t{1} << 40, 0};
  const absl::Status status = matrix.Validate();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("row 0"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace vitrina::trainer
