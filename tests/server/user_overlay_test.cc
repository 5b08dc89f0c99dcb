#include "server/user_overlay.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "trainer/random.h"

namespace vitrina::server {
namespace {

constexpr int kDim = 8;
constexpr int kUsers = 20;
constexpr int kItems = 80;

// A model without training: users 1000 + u and titles 5000 + i with random embeddings (enough
// for the overlay, which only reads the serving rows).
std::shared_ptr<const trainer::Model> RandomModel() {
  trainer::ModelState state;
  state.hyperparameters.no_components = kDim;
  for (int u = 0; u < kUsers; ++u) state.dataset.users().AddEntity(1000 + u);
  for (int i = 0; i < kItems; ++i) state.dataset.items().AddEntity(5000 + i);
  trainer::Pcg32 rng(3, 1);
  state.users.Grow(kUsers, kDim, state.hyperparameters.learning_schedule, rng);
  state.items.Grow(kItems, kDim, state.hyperparameters.learning_schedule, rng);
  auto model = trainer::Model::FromState(std::move(state));
  EXPECT_TRUE(model.ok()) << model.status();
  return std::make_shared<const trainer::Model>(*std::move(model));
}

RealtimeConfig Config(int max_users) {
  RealtimeConfig config;
  config.max_users = max_users;
  return config;
}

TEST(UserOverlayTest, APositiveAdaptsTheUsersRowFromTheirTrainedOne) {
  auto model = RandomModel();
  UserOverlay overlay(model, Config(100));
  EXPECT_EQ(overlay.Find(1003), nullptr);
  ASSERT_TRUE(overlay.AddPositive(1003, 5007));
  std::shared_ptr<const AdaptedUser> adapted = overlay.Find(1003);
  ASSERT_NE(adapted, nullptr);
  const auto trained = model->serving().users().row(3);
  ASSERT_EQ(adapted->row.size(), static_cast<size_t>(trained.size()));
  EXPECT_EQ(adapted->row[kDim + 1], trained(kDim + 1)) << "the trained user bias is kept";
  const Eigen::Map<const Eigen::RowVectorXf> row(adapted->row.data(), trained.size());
  const auto item = model->serving().items().row(7);
  EXPECT_GT(row.dot(item), trained.dot(item)) << "the consumed title scores higher than before";

  ASSERT_TRUE(overlay.AddPositive(1003, 5011));
  EXPECT_GT(overlay.Find(1003)->revision, adapted->revision);
}

TEST(UserOverlayTest, AUserOutsideTheModelStartsFromAZeroEmbedding) {
  UserOverlay overlay(RandomModel(), Config(100));
  ASSERT_TRUE(overlay.AddPositive(99, 5001));
  std::shared_ptr<const AdaptedUser> adapted = overlay.Find(99);
  ASSERT_NE(adapted, nullptr);
  EXPECT_EQ(adapted->row[kDim], 1.0f);
  EXPECT_EQ(adapted->row[kDim + 1], 0.0f);
}

TEST(UserOverlayTest, AUserOutsideTheModelWithFeaturesStartsFromTheRowTheyGive) {
  auto model = RandomModel();
  UserOverlay overlay(model, Config(100));
  // What serving::FeatureUsers gives a placed user: [embedding, 1, bias].
  std::vector<float> featured(kDim + 2, 0.5f);
  featured[kDim] = 1.0f;
  featured[kDim + 1] = 0.25f;
  ASSERT_TRUE(overlay.AddPositive(99, 5001, featured));
  ASSERT_TRUE(overlay.AddPositive(98, 5001));
  const std::vector<float>& from_features = overlay.Find(99)->row;
  const std::vector<float>& from_nothing = overlay.Find(98)->row;
  EXPECT_EQ(from_features[kDim + 1], 0.25f) << "the features' user bias is kept";
  EXPECT_EQ(from_nothing[kDim + 1], 0.0f);
  double moved_from_features = 0;
  for (int c = 0; c < kDim; ++c) moved_from_features += std::abs(from_features[c] - featured[c]);
  double apart = 0;
  for (int c = 0; c < kDim; ++c) apart += std::abs(from_nothing[c] - featured[c]);
  EXPECT_LT(moved_from_features, apart) << "the adapted row stays nearer the features' row than one grown from zero";

  // A row of another width (another model's) is no prior: the user starts from zero.
  ASSERT_TRUE(overlay.AddPositive(97, 5001, std::vector<float>(kDim, 1.0f)));
  EXPECT_EQ(overlay.Find(97)->row[kDim + 1], 0.0f);
}

TEST(UserOverlayTest, ATitleUnknownToTheModelChangesNothing) {
  UserOverlay overlay(RandomModel(), Config(100));
  EXPECT_FALSE(overlay.AddPositive(1001, 777));
  EXPECT_EQ(overlay.Find(1001), nullptr);
  EXPECT_EQ(overlay.size(), 0u);
}

TEST(UserOverlayTest, ForgetDropsOneUserAndClearEveryone) {
  UserOverlay overlay(RandomModel(), Config(100));
  for (int64_t user : {1001, 1002, 7}) ASSERT_TRUE(overlay.AddPositive(user, 5003));
  overlay.Forget(1002);
  overlay.Forget(424242);  // nobody: nothing happens
  EXPECT_EQ(overlay.Find(1002), nullptr);
  EXPECT_NE(overlay.Find(1001), nullptr);
  EXPECT_EQ(overlay.size(), 2u);
  overlay.Clear();
  EXPECT_EQ(overlay.size(), 0u);
  EXPECT_EQ(overlay.Find(7), nullptr);
  ASSERT_TRUE(overlay.AddPositive(7, 5003));  // still usable
  EXPECT_NE(overlay.Find(7), nullptr);
}

TEST(UserOverlayTest, HoldsAtMostMaxUsersAndDropsTheLeastRecentlyUsed) {
  UserOverlay overlay(RandomModel(), Config(32));  // 16 shards of 2 users
  EXPECT_EQ(overlay.capacity(), 32u);
  // Users 0, 16 and 32 share a shard: the one not used since is dropped.
  ASSERT_TRUE(overlay.AddPositive(0, 5000));
  ASSERT_TRUE(overlay.AddPositive(16, 5000));
  ASSERT_NE(overlay.Find(0), nullptr);
  ASSERT_TRUE(overlay.AddPositive(32, 5000));
  EXPECT_NE(overlay.Find(0), nullptr);
  EXPECT_EQ(overlay.Find(16), nullptr);
  EXPECT_NE(overlay.Find(32), nullptr);
  for (int64_t user = 100; user < 1100; ++user) ASSERT_TRUE(overlay.AddPositive(user, 5000 + user % kItems));
  EXPECT_EQ(overlay.size(), 32u);

  UserOverlay uneven(RandomModel(), Config(21));  // 16 shards, five of them with room for two
  for (int64_t user = 0; user < 500; ++user) ASSERT_TRUE(uneven.AddPositive(user, 5001));
  EXPECT_EQ(uneven.size(), 21u);
}

TEST(UserOverlayTest, KeepsTheNewestTitlesPerUser) {
  auto model = RandomModel();
  RealtimeConfig config = Config(10);
  config.max_titles_per_user = 3;
  UserOverlay capped(model, config);
  UserOverlay newest_only(model, config);
  for (int64_t title = 5000; title < 5006; ++title) ASSERT_TRUE(capped.AddPositive(1002, title));
  // The same three newest titles, added in another order and without the older ones: the seed
  // depends on the count, the fit on the set.
  for (int64_t title : {5005, 5003, 5004}) ASSERT_TRUE(newest_only.AddPositive(1002, title));
  EXPECT_EQ(capped.Find(1002)->row, newest_only.Find(1002)->row);
}

TEST(UserOverlayTest, ConcurrentUpdatesOfOneUserAllCount) {
  auto model = RandomModel();
  constexpr int kThreads = 4;
  constexpr int kTitlesEach = 10;
  RealtimeConfig config = Config(100);
  config.max_titles_per_user = kThreads * kTitlesEach;  // all of them count, whatever their order
  UserOverlay concurrent(model, config);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kTitlesEach; ++i) {
        EXPECT_TRUE(concurrent.AddPositive(1005, 5000 + t * kTitlesEach + i));
        EXPECT_NE(concurrent.Find(1005), nullptr);
        concurrent.AddPositive(2000 + t, 5000 + i);  // other users meanwhile
        concurrent.Find(1000 + i);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  UserOverlay serial(model, config);
  for (int title = 5000; title < 5000 + kThreads * kTitlesEach; ++title) ASSERT_TRUE(serial.AddPositive(1005, title));
  EXPECT_EQ(concurrent.Find(1005)->row, serial.Find(1005)->row) << "an update was lost";
  EXPECT_EQ(concurrent.size(), 1u + kThreads);
}

}  // namespace
}  // namespace vitrina::server
