#include "simulation/statistics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace vitrina::simulation {
namespace {

// Two-sided 95% critical values of Student's t (scipy.stats.t.ppf(0.975, df), and any t table).
TEST(StatisticsTest, StudentTQuantileMatchesTheTable) {
  EXPECT_NEAR(StudentTQuantile(0.975, 1), 12.706204736174698, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.975, 2), 4.302652729749464, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.975, 5), 2.5705818366147395, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.975, 10), 2.2281388519649385, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.975, 30), 2.0422724563012373, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.975, 100), 1.9839715184496334, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.975, 1e6), 1.959966, 1e-5);  // the normal's 1.959964
  EXPECT_NEAR(StudentTQuantile(0.995, 4), 4.604094871415897, 1e-7);
  EXPECT_NEAR(StudentTQuantile(0.025, 5), -2.5705818366147395, 1e-7);
  EXPECT_EQ(StudentTQuantile(0.5, 3), 0);
}

TEST(StatisticsTest, MeanWithConfidenceOnAKnownSample) {
  // mean 0.68333, s = 0.444597 (n - 1), se = s / sqrt(6), half width = t(0.975, 5) * se.
  const MeanInterval interval = MeanWithConfidence({0.2, 0.5, 0.9, 1.4, 0.3, 0.8});
  EXPECT_EQ(interval.n, 6);
  EXPECT_NEAR(interval.mean, 4.1 / 6, 1e-12);
  const double se = std::sqrt(0.98833333333333333 / 5) / std::sqrt(6.0);
  ASSERT_TRUE(interval.half_width.has_value());
  EXPECT_NEAR(*interval.half_width, 2.5705818366147395 * se, 1e-9);
  EXPECT_NEAR(interval.Low(), 0.216757, 1e-6);
  EXPECT_NEAR(interval.High(), 1.149910, 1e-6);
}

TEST(StatisticsTest, NoIntervalBelowTwoValues) {
  EXPECT_FALSE(MeanWithConfidence({}).half_width.has_value());
  const MeanInterval one = MeanWithConfidence({3});
  EXPECT_EQ(one.mean, 3);
  EXPECT_FALSE(one.half_width.has_value());
  EXPECT_EQ(*MeanWithConfidence({2, 2, 2}).half_width, 0);
}

TEST(StatisticsTest, NearestRankPercentile) {
  std::vector<double> values;
  for (int i = 100; i >= 1; --i) values.push_back(i);
  EXPECT_EQ(NearestRankPercentile(values, 0.5), 50);
  EXPECT_EQ(NearestRankPercentile(values, 0.99), 99);
  EXPECT_EQ(NearestRankPercentile(values, 1), 100);
  EXPECT_EQ(NearestRankPercentile({7}, 0.99), 7);
  EXPECT_EQ(NearestRankPercentile({1, 2, 3}, 0.5), 2);
  EXPECT_EQ(NearestRankPercentile({}, 0.5), 0);
}

}  // namespace
}  // namespace vitrina::simulation
