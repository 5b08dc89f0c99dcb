#include "experiments/cuped.h"

#include <random>

#include "experiments/welch_test.h"
#include "gtest/gtest.h"

namespace vitrina::experiments {
namespace {

TEST(CupedTest, ACorrelatedCovariateRemovesItsShareOfTheVariance) {
  std::mt19937 random(7);
  std::normal_distribution<double> normal;
  std::vector<double> metric;
  std::vector<std::optional<double>> covariate;
  for (int i = 0; i < 2000; ++i) {
    const double before = normal(random);
    metric.push_back(2 * before + 0.5 * normal(random));
    covariate.push_back(before);
  }
  const CupedAdjustment adjustment = AdjustWithCuped(metric, covariate);
  ASSERT_TRUE(adjustment.applied);
  EXPECT_NEAR(adjustment.theta, 2.0, 0.05);
  // Var(2X + 0.5E) = 4.25, residual 0.25: about 94 % removed.
  EXPECT_NEAR(adjustment.variance_reduction, 1 - 0.25 / 4.25, 0.01);
  // The adjusted values keep the mean (the covariate is centred).
  EXPECT_NEAR(MomentsOf(adjustment.adjusted).mean, MomentsOf(metric).mean, 1e-9);
}

TEST(CupedTest, UsersWithoutACovariateKeepTheirValue) {
  const std::vector<double> metric{1, 2, 3, 4};
  const std::vector<std::optional<double>> covariate{1.0, std::nullopt, 3.0, 5.0};
  const CupedAdjustment adjustment = AdjustWithCuped(metric, covariate);
  ASSERT_TRUE(adjustment.applied);
  EXPECT_EQ(adjustment.users_with_covariate, 3);
  EXPECT_EQ(adjustment.adjusted[1], 2.0);
  EXPECT_NE(adjustment.adjusted[0], 1.0);
}

TEST(CupedTest, NoUsableCovariateIsNotApplied) {
  const std::vector<double> metric{1, 2, 3};
  EXPECT_FALSE(AdjustWithCuped(metric, {std::nullopt, std::nullopt, 4.0}).applied);
  EXPECT_FALSE(AdjustWithCuped(metric, {4.0, 4.0, 4.0}).applied);  // no variance in X
}

}  // namespace
}  // namespace vitrina::experiments
