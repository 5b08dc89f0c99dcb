#include "experiments/sample_ratio_check.h"

#include "gtest/gtest.h"

namespace vitrina::experiments {
namespace {

// Expected values: scipy.stats.chisquare(observed, expected) (SciPy 1.10).
TEST(SampleRatioCheckTest, AHealthySplitIsNotFlagged) {
  const SampleRatioResult result = CheckSampleRatio({480, 520, 1000}, {1, 1, 2});
  EXPECT_NEAR(result.chi_square, 1.6, 1e-12);
  EXPECT_EQ(result.degrees_of_freedom, 2);
  EXPECT_NEAR(result.p_value, 0.4493289641172217, 1e-12);
  EXPECT_FALSE(result.mismatch);
  EXPECT_EQ(result.expected, (std::vector<double>{500, 500, 1000}));
}

TEST(SampleRatioCheckTest, ALopsidedSplitIsFlagged) {
  const SampleRatioResult result = CheckSampleRatio({400, 600}, {0.5, 0.5});
  EXPECT_NEAR(result.chi_square, 40.0, 1e-12);
  EXPECT_NEAR(result.p_value, 2.5396285894708634e-10, 1e-12 * 2.5396285894708634e-10);
  EXPECT_TRUE(result.mismatch);
}

TEST(SampleRatioCheckTest, OneArmOrNoUsersIsNotATest) {
  EXPECT_FALSE(CheckSampleRatio({10}, {1}).mismatch);
  EXPECT_EQ(CheckSampleRatio({0, 0}, {1, 1}).degrees_of_freedom, 0);
}

}  // namespace
}  // namespace vitrina::experiments
