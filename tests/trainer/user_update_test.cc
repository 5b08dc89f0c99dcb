#include "trainer/user_update.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "trainer/random.h"

namespace vitrina::trainer {
namespace {

constexpr int kDim = 16;
constexpr int kClusters = 4;
constexpr int kItemsPerCluster = 25;

// Item rows in ServingIndex layout ([embedding, bias, 1]) around one random centre per cluster;
// item i belongs to cluster i % kClusters. Biases favour cluster 0 (the "popular" one).
ServingIndex::RowMatrix PlantedItems() {
  Pcg32 rng(11, 3);
  auto centered = [&] { return rng.Uniform() - 0.5f; };
  std::vector<std::vector<float>> centres(kClusters, std::vector<float>(kDim));
  for (auto& centre : centres) std::generate(centre.begin(), centre.end(), centered);
  ServingIndex::RowMatrix items(kClusters * kItemsPerCluster, kDim + 2);
  for (int i = 0; i < items.rows(); ++i) {
    for (int c = 0; c < kDim; ++c) items(i, c) = centres[i % kClusters][c] + 0.2f * centered();
    items(i, kDim) = i % kClusters == 0 ? 0.5f : 0.0f;
    items(i, kDim + 1) = 1.0f;
  }
  return items;
}

std::vector<float> ColdRow() {
  std::vector<float> row(kDim + 2, 0.0f);
  row[kDim] = 1.0f;
  return row;
}

// The ten best items by the row's score, positives left out.
std::vector<int> TopTen(const ServingIndex::RowMatrix& items, const std::vector<float>& row, const std::vector<int32_t>& positives) {
  std::vector<int> order(static_cast<size_t>(items.rows()));
  std::iota(order.begin(), order.end(), 0);
  std::erase_if(order, [&](int i) { return std::binary_search(positives.begin(), positives.end(), i); });
  const Eigen::Map<const Eigen::RowVectorXf> user(row.data(), kDim + 2);
  std::partial_sort(order.begin(), order.begin() + 10, order.end(),
                    [&](int a, int b) { return user.dot(items.row(a)) > user.dot(items.row(b)); });
  order.resize(10);
  return order;
}

TEST(UserUpdateTest, FivePositivesOfAClusterBringThatClusterToTheTop) {
  const ServingIndex::RowMatrix items = PlantedItems();
  for (int cluster = 1; cluster < kClusters; ++cluster) {
    SCOPED_TRACE(cluster);
    std::vector<int32_t> positives;
    for (int i = 0; i < 5; ++i) positives.push_back(cluster + kClusters * i);
    // Before: the cold row ranks by bias alone, so the popular cluster 0 fills the top.
    const auto before = TopTen(items, ColdRow(), positives);
    EXPECT_EQ(std::count_if(before.begin(), before.end(), [&](int i) { return i % kClusters == cluster; }), 0);

    const std::vector<float> row = UpdatedUserRow(items, ColdRow(), positives, 1, UserUpdateOptions{});
    const auto after = TopTen(items, row, positives);
    EXPECT_GE(std::count_if(after.begin(), after.end(), [&](int i) { return i % kClusters == cluster; }), 9);
    EXPECT_EQ(row[kDim], 1.0f) << "the bias terms are not learned";
    EXPECT_EQ(row[kDim + 1], 0.0f);
  }
}

TEST(UserUpdateTest, SameInputsAndSeedGiveTheSameRow) {
  const ServingIndex::RowMatrix items = PlantedItems();
  const std::vector<int32_t> positives = {2, 6, 10};
  EXPECT_EQ(UpdatedUserRow(items, ColdRow(), positives, 5, {}), UpdatedUserRow(items, ColdRow(), positives, 5, {}));
  EXPECT_NE(UpdatedUserRow(items, ColdRow(), positives, 5, {}), UpdatedUserRow(items, ColdRow(), positives, 6, {}));
}

TEST(UserUpdateTest, NoPositivesOrAMismatchedRowLeaveThePriorAsItIs) {
  const ServingIndex::RowMatrix items = PlantedItems();
  std::vector<float> prior = ColdRow();
  prior[0] = 0.3f;
  EXPECT_EQ(UpdatedUserRow(items, prior, {}, 1, {}), prior);
  const std::vector<float> short_row(kDim, 0.1f);
  const std::vector<int32_t> positives = {1};
  EXPECT_EQ(UpdatedUserRow(items, short_row, positives, 1, {}), short_row);
}

TEST(UserUpdateTest, RegularizationKeepsTheRowNearItsPrior) {
  const ServingIndex::RowMatrix items = PlantedItems();
  const std::vector<int32_t> positives = {1, 5, 9, 13, 17};
  UserUpdateOptions loose;
  UserUpdateOptions tight;
  tight.regularization = 4.0f;  // learning_rate x regularization near 1: every step returns to the prior
  auto distance = [&](const std::vector<float>& row) {
    float sum = 0;
    for (size_t c = 0; c < row.size(); ++c) sum += (row[c] - ColdRow()[c]) * (row[c] - ColdRow()[c]);
    return sum;
  };
  const float moved_loose = distance(UpdatedUserRow(items, ColdRow(), positives, 1, loose));
  const float moved_tight = distance(UpdatedUserRow(items, ColdRow(), positives, 1, tight));
  EXPECT_GT(moved_loose, 0.0f);
  EXPECT_LT(moved_tight, moved_loose / 4);
}

}  // namespace
}  // namespace vitrina::trainer
