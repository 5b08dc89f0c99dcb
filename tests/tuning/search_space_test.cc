#include "tuning/search_space.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "tuning/quasi_random.h"

namespace vitrina::tuning {
namespace {

using trainer::Hyperparameters;
using trainer::LossKind;

std::vector<Hyperparameters> Sample(const SearchSpace& space, int n, uint64_t seed = 3) {
  const QuasiRandomPoints points(kSearchDimensions, seed);
  std::vector<Hyperparameters> samples;
  for (int i = 0; i < n; ++i) samples.push_back(HyperparametersAt(space, points.Point(i), {}));
  return samples;
}

TEST(SearchSpaceTest, SamplesStayInTheirRangesAndReachBothEnds) {
  SearchSpace space;
  space.losses = {LossKind::kWarp, LossKind::kBpr};
  const std::vector<Hyperparameters> samples = Sample(space, 2000);
  std::set<int> components;
  std::set<int> max_sampled;
  std::set<LossKind> losses;
  int zero_item_alpha = 0;
  int zero_user_alpha = 0;
  for (const Hyperparameters& hp : samples) {
    ASSERT_TRUE(hp.Validate().ok());
    losses.insert(hp.loss);
    components.insert(hp.no_components);
    const LogRange lr = DefaultLearningRates(hp.loss);
    EXPECT_GE(hp.learning_rate, lr.min * 0.9999);
    EXPECT_LE(hp.learning_rate, lr.max * 1.0001);
    for (float alpha : {hp.item_alpha, hp.user_alpha}) {
      if (alpha == 0) continue;
      EXPECT_GE(alpha, space.alpha.min * 0.9999);
      EXPECT_LE(alpha, space.alpha.max * 1.0001);
    }
    zero_item_alpha += hp.item_alpha == 0 ? 1 : 0;
    zero_user_alpha += hp.user_alpha == 0 ? 1 : 0;
    if (hp.loss == LossKind::kWarp) {
      max_sampled.insert(hp.max_sampled);
    } else {
      EXPECT_EQ(hp.max_sampled, Hyperparameters{}.max_sampled) << "only WARP and k-OS sample";
    }
  }
  EXPECT_EQ(losses, (std::set<LossKind>{LossKind::kWarp, LossKind::kBpr}));
  EXPECT_EQ(*components.begin(), space.min_components);
  EXPECT_EQ(*components.rbegin(), space.max_components);
  EXPECT_EQ(*max_sampled.begin(), space.min_max_sampled);
  EXPECT_EQ(*max_sampled.rbegin(), space.max_max_sampled);
  EXPECT_NEAR(zero_item_alpha / 2000.0, space.zero_alpha_probability, 0.01);
  EXPECT_NEAR(zero_user_alpha / 2000.0, space.zero_alpha_probability, 0.01);
}

TEST(SearchSpaceTest, LogScaleGivesEachDecadeItsShare) {
  SearchSpace space;
  space.learning_rate = LogRange{0.001, 0.1};
  int below_one_hundredth = 0;
  for (const Hyperparameters& hp : Sample(space, 1000)) below_one_hundredth += hp.learning_rate < 0.01;
  EXPECT_NEAR(below_one_hundredth / 1000.0, 0.5, 0.02);  // a linear scale would give ~0.09
}

TEST(SearchSpaceTest, EachLossGetsItsOwnLearningRates) {
  SearchSpace space;
  space.losses = {LossKind::kBpr};
  float highest = 0;
  for (const Hyperparameters& hp : Sample(space, 300)) highest = std::max(highest, hp.learning_rate);
  EXPECT_GT(highest, DefaultLearningRates(LossKind::kWarp).max);
  EXPECT_LE(highest, DefaultLearningRates(LossKind::kBpr).max * 1.0001);
}

TEST(SearchSpaceTest, KeepsWhatTheSpaceDoesNotChoose) {
  Hyperparameters base;
  base.learning_schedule = trainer::LearningSchedule::kAdadelta;
  base.k = 3;
  const Hyperparameters hp =
      HyperparametersAt(SearchSpace{}, std::vector<double>(kSearchDimensions, 0.3), base);
  EXPECT_EQ(hp.learning_schedule, trainer::LearningSchedule::kAdadelta);
  EXPECT_EQ(hp.k, 3);
  EXPECT_EQ(hp.loss, LossKind::kWarp);
}

TEST(SearchSpaceTest, ValidateNamesTheField) {
  struct Case {
    SearchSpace space;
    std::string field;
  };
  std::vector<Case> cases;
  auto add = [&](std::string field, auto change) {
    SearchSpace space;
    change(space);
    cases.push_back({space, std::move(field)});
  };
  add("losses", [](SearchSpace& s) { s.losses.clear(); });
  add("no_components", [](SearchSpace& s) { s.min_components = 0; });
  add("no_components", [](SearchSpace& s) { s.max_components = 4; });
  add("learning_rate", [](SearchSpace& s) { s.learning_rate = LogRange{0, 0.1}; });
  add("learning_rate", [](SearchSpace& s) { s.learning_rate = LogRange{0.1, 0.01}; });
  add("learning_rate", [](SearchSpace& s) { s.learning_rate = LogRange{0.1, 2}; });
  add("alpha", [](SearchSpace& s) { s.alpha = {-1, 1}; });
  add("zero_alpha_probability", [](SearchSpace& s) { s.zero_alpha_probability = 1; });
  add("max_sampled", [](SearchSpace& s) { s.min_max_sampled = 0; });
  add("epochs", [](SearchSpace& s) { s.min_epochs = 10, s.max_epochs = 5; });
  for (const Case& c : cases) {
    const absl::Status status = c.space.Validate();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(std::string(status.message()).find(c.field), std::string::npos) << status.message();
  }
  EXPECT_TRUE(SearchSpace{}.Validate().ok());
}

}  // namespace
}  // namespace vitrina::tuning
