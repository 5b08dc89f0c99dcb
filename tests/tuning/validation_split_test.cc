#include "tuning/validation_split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/trainer/planted_data.h"

namespace vitrina::tuning {
namespace {

using Entry = std::tuple<int32_t, int32_t, float, float>;

std::vector<Entry> Entries(const trainer::Interactions& interactions) {
  std::vector<Entry> entries;
  for (size_t e = 0; e < interactions.size(); ++e) {
    entries.emplace_back(interactions.users[e], interactions.items[e], interactions.values[e],
                         interactions.weights[e]);
  }
  std::sort(entries.begin(), entries.end());
  return entries;
}

TEST(SplitPerUserTest, HoldsOutTheFractionOfEveryUsersPositivesAndLosesNothing) {
  const trainer::testing::PlantedData data = trainer::testing::MakePlantedData();
  const absl::StatusOr<ValidationSplit> split = SplitPerUser(data.train, 0.2, 5);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->fit.n_users, data.train.n_users);
  EXPECT_EQ(split->validation.n_items, data.train.n_items);

  std::vector<Entry> together = Entries(split->fit);
  const std::vector<Entry> validation = Entries(split->validation);
  together.insert(together.end(), validation.begin(), validation.end());
  std::sort(together.begin(), together.end());
  EXPECT_EQ(together, Entries(data.train));

  std::map<int32_t, int> fit_per_user;
  std::map<int32_t, int> held_per_user;
  std::set<std::pair<int32_t, int32_t>> fit_pairs;
  for (size_t e = 0; e < split->fit.size(); ++e) {
    fit_per_user[split->fit.users[e]]++;
    fit_pairs.insert({split->fit.users[e], split->fit.items[e]});
  }
  for (size_t e = 0; e < split->validation.size(); ++e) {
    held_per_user[split->validation.users[e]]++;
    EXPECT_FALSE(fit_pairs.count({split->validation.users[e], split->validation.items[e]}));
  }
  // MakePlantedData gives each user 15 train positives: 0.2 of 15 is 3.
  for (int32_t user = 0; user < data.train.n_users; ++user) {
    EXPECT_EQ(held_per_user[user], 3) << "user " << user;
    EXPECT_EQ(fit_per_user[user], 12) << "user " << user;
  }
}

// A heavy user's held-out items beyond the cap stay in fit; a light user's share is unchanged.
TEST(SplitPerUserTest, HoldsOutAtMostMaxPerUser) {
  const trainer::testing::PlantedData data =
      trainer::testing::MakePlantedData({.positives_per_user = 40});  // 30 train positives each
  const absl::StatusOr<ValidationSplit> capped = SplitPerUser(data.train, 0.3, 5, 4);
  const absl::StatusOr<ValidationSplit> uncapped = SplitPerUser(data.train, 0.3, 5, 0);
  ASSERT_TRUE(capped.ok()) << capped.status();
  ASSERT_TRUE(uncapped.ok()) << uncapped.status();
  std::map<int32_t, int> capped_held;
  std::map<int32_t, int> uncapped_held;
  for (size_t e = 0; e < capped->validation.size(); ++e) capped_held[capped->validation.users[e]]++;
  for (size_t e = 0; e < uncapped->validation.size(); ++e) {
    uncapped_held[uncapped->validation.users[e]]++;
  }
  for (int32_t user = 0; user < data.train.n_users; ++user) {
    EXPECT_EQ(uncapped_held[user], 9) << "user " << user;  // 0.3 of 30
    EXPECT_EQ(capped_held[user], 4) << "user " << user;
  }
  EXPECT_EQ(capped->fit.size() + capped->validation.size(), data.train.size());
  // Under the cap, the cap changes nothing.
  const absl::StatusOr<ValidationSplit> loose = SplitPerUser(data.train, 0.3, 5, 9);
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(Entries(loose->validation), Entries(uncapped->validation));
  EXPECT_EQ(SplitPerUser(data.train, 0.3, 5, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SplitPerUserTest, IsSeeded) {
  const trainer::testing::PlantedData data = trainer::testing::MakePlantedData();
  const std::vector<Entry> first = Entries(SplitPerUser(data.train, 0.2, 5)->validation);
  EXPECT_EQ(first, Entries(SplitPerUser(data.train, 0.2, 5)->validation));
  EXPECT_NE(first, Entries(SplitPerUser(data.train, 0.2, 6)->validation));
}

TEST(SplitPerUserTest, KeepsLoneAndNegativeEntriesAndDuplicatesTogether) {
  trainer::Interactions train;
  train.n_users = 3;
  train.n_items = 4;
  train.Add(0, 0, 1.0f);   // user 0: a single positive, never held out
  train.Add(0, 1, -1.0f);  // and a negative
  train.Add(1, 0, 1.0f);   // user 1: two distinct positives, item 2 twice
  train.Add(1, 2, 1.0f);
  train.Add(1, 2, 1.0f, 0.5f);
  train.Add(1, 3, -1.0f);
  for (uint64_t seed = 0; seed < 20; ++seed) {
    const ValidationSplit split = *SplitPerUser(train, 0.1, seed);
    // One of user 1's two positive items (at least one, never both), with all of its entries.
    ASSERT_GE(split.validation.size(), 1u);
    const int32_t held_item = split.validation.items[0];
    for (size_t e = 0; e < split.validation.size(); ++e) {
      EXPECT_EQ(split.validation.users[e], 1);
      EXPECT_EQ(split.validation.items[e], held_item);
      EXPECT_GT(split.validation.values[e], 0);
    }
    EXPECT_EQ(split.validation.size(), held_item == 2 ? 2u : 1u);
  }
}

TEST(SplitPerUserTest, RejectsAFractionOutsideZeroOne) {
  trainer::Interactions train;
  train.n_users = 1;
  train.n_items = 1;
  for (double fraction : {0.0, 1.0, -0.5, 2.0}) {
    const absl::StatusOr<ValidationSplit> split = SplitPerUser(train, fraction, 1);
    EXPECT_EQ(split.status().code(), absl::StatusCode::kInvalidArgument) << fraction;
    EXPECT_NE(std::string(split.status().message()).find("validation fraction"), std::string::npos);
  }
}

}  // namespace
}  // namespace vitrina::tuning
