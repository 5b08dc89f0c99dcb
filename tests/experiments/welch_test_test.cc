#include "experiments/welch_test.h"

#include <vector>

#include "gtest/gtest.h"

namespace vitrina::experiments {
namespace {

// Expected values: SciPy 1.10: scipy.stats.ttest_ind(a, b, equal_var=False), norm.ppf, and the t
// quantile through scipy.special.betaincinv (t = sqrt(df (1 - x) / x), x = I^-1(df/2, 1/2, 2(1-p))):
// SciPy 1.10's t.ppf is off by up to a few 1e-9 relative (t.cdf(t.ppf(0.975, 5), 5) =
// 0.9750000000297); Boost.Math's quantile and betaincinv agree to 1e-15.
const std::vector<double> kTreatment{3.1, 2.4, 5.6, 4.4, 3.9, 4.8};
const std::vector<double> kControl{2.0, 2.9, 3.3, 1.8, 2.6, 3.1, 2.2};

void ExpectRelative(double actual, double expected) { EXPECT_NEAR(actual, expected, 1e-12 * std::abs(expected)); }

TEST(WelchTestTest, MatchesScipyOnAKnownSample) {
  const WelchResult result = WelchTest(MomentsOf(kTreatment), MomentsOf(kControl), 0.95);
  ASSERT_TRUE(result.computable);
  ExpectRelative(result.t_statistic, 2.8329705961287615);
  ExpectRelative(result.p_value, 0.025078052593366814);
  ExpectRelative(result.degrees_of_freedom, 7.058586861188988);
  ExpectRelative(result.difference_ci_low, 0.2461137777687461);
  ExpectRelative(result.difference_ci_high, 2.7062671746122064);
  ASSERT_TRUE(result.lift_computable);
  ExpectRelative(result.relative_lift, 0.5772811918063315);
  ExpectRelative(result.lift_ci_low, 0.12933556191746598);
  ExpectRelative(result.lift_ci_high, 1.0252268216951972);
}

TEST(WelchTestTest, SwappingTheArmsNegatesTheDifferenceAndKeepsP) {
  const WelchResult forward = WelchTest(MomentsOf(kTreatment), MomentsOf(kControl), 0.95);
  const WelchResult backward = WelchTest(MomentsOf(kControl), MomentsOf(kTreatment), 0.95);
  ExpectRelative(backward.difference, -forward.difference);
  ExpectRelative(backward.p_value, forward.p_value);
  ExpectRelative(backward.degrees_of_freedom, forward.degrees_of_freedom);
}

TEST(WelchTestTest, TheMeanIntervalMatchesScipy) {
  const MeanInterval interval = MeanConfidenceInterval(MomentsOf(kTreatment), 0.95);
  ExpectRelative(interval.low, 2.8155055874914545);
  ExpectRelative(interval.high, 5.251161079175212);
}

TEST(WelchTestTest, TooFewUsersOrNoVarianceIsNotComputableAndSaysWhy) {
  const std::vector<double> one{1.0};
  const std::vector<double> constant{2.0, 2.0, 2.0};
  WelchResult result = WelchTest(MomentsOf(one), MomentsOf(kControl), 0.95);
  EXPECT_FALSE(result.computable);
  EXPECT_NE(result.note.find("at least 2 users"), std::string::npos);
  result = WelchTest(MomentsOf(constant), MomentsOf(constant), 0.95);
  EXPECT_FALSE(result.computable);
  EXPECT_NE(result.note.find("no variance"), std::string::npos);
}

TEST(WelchTestTest, AZeroControlMeanLeavesTheLiftUndefined) {
  const std::vector<double> zero_mean{-1.0, 1.0, 0.0};
  const WelchResult result = WelchTest(MomentsOf(kTreatment), MomentsOf(zero_mean), 0.95);
  EXPECT_TRUE(result.computable);
  EXPECT_FALSE(result.lift_computable);
  EXPECT_NE(result.note.find("control mean is 0"), std::string::npos);
}

}  // namespace
}  // namespace vitrina::experiments
