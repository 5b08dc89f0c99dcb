// The tests' error rates are what they claim: simulated experiments with a known truth (seeded, so
// the figures are the same on every run) and a skewed metric like consumed time.
#include <random>
#include <vector>

#include "experiments/sample_ratio_check.h"
#include "experiments/welch_test.h"
#include "gtest/gtest.h"

namespace vitrina::experiments {
namespace {

constexpr int kExperiments = 400;
constexpr int kUsersPerArm = 300;

std::vector<double> SkewedSample(std::mt19937& random, int n, double mean) {
  std::exponential_distribution<double> exponential(1.0 / mean);
  std::vector<double> values(n);
  for (double& value : values) value = exponential(random);
  return values;
}

TEST(StatisticsCalibrationTest, AnAATestIsSignificantAboutFivePercentOfTheTime) {
  std::mt19937 random(11);
  int significant = 0;
  for (int i = 0; i < kExperiments; ++i) {
    const auto a = SkewedSample(random, kUsersPerArm, 2.0);
    const auto b = SkewedSample(random, kUsersPerArm, 2.0);
    significant += WelchTest(MomentsOf(a), MomentsOf(b), 0.95).p_value < 0.05;
  }
  // 5 % of 400 is 20, binomial sd 4.4: [12, 30] is about +-2 sd.
  EXPECT_GE(significant, 12);
  EXPECT_LE(significant, 30);
}

TEST(StatisticsCalibrationTest, TheLiftIntervalCoversTheTrueLiftAbout95PercentOfTheTime) {
  std::mt19937 random(12);
  int covered = 0;
  int detected = 0;
  for (int i = 0; i < kExperiments; ++i) {
    const auto treatment = SkewedSample(random, kUsersPerArm, 2.4);
    const auto control = SkewedSample(random, kUsersPerArm, 2.0);
    const WelchResult result = WelchTest(MomentsOf(treatment), MomentsOf(control), 0.95);
    covered += result.lift_ci_low <= 0.2 && 0.2 <= result.lift_ci_high;
    detected += result.p_value < 0.05;
  }
  // 95 % of 400 is 380, sd 4.4.
  EXPECT_GE(covered, 370);
  EXPECT_LE(covered, 392);
  // A 20 % lift with 300 users per arm is found most of the time (power ~0.7 here).
  EXPECT_GE(detected, kExperiments / 2);
}

TEST(StatisticsCalibrationTest, TheSampleRatioCheckFlagsABrokenSplitAndRarelyAHealthyOne) {
  std::mt19937 random(13);
  int healthy_flags = 0;
  int broken_flags = 0;
  for (int i = 0; i < kExperiments; ++i) {
    std::binomial_distribution<int64_t> split(20000, 0.5);
    const int64_t control = split(random);
    const int64_t treatment = 20000 - control;
    healthy_flags += CheckSampleRatio({control, treatment}, {1, 1}).mismatch;
    // The treatment loses 10 % of its users' logs.
    std::binomial_distribution<int64_t> kept(treatment, 0.9);
    broken_flags += CheckSampleRatio({control, kept(random)}, {1, 1}).mismatch;
  }
  EXPECT_LE(healthy_flags, 3);  // expected 0.4 at p < 0.001
  EXPECT_GE(broken_flags, kExperiments * 9 / 10);
}

}  // namespace
}  // namespace vitrina::experiments
