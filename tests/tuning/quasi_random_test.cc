#include "tuning/quasi_random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <vector>

namespace vitrina::tuning {
namespace {

TEST(RadicalInverseTest, MirrorsTheDigits) {
  EXPECT_DOUBLE_EQ(RadicalInverse(0, 2), 0.0);
  EXPECT_DOUBLE_EQ(RadicalInverse(1, 2), 0.5);
  EXPECT_DOUBLE_EQ(RadicalInverse(3, 2), 0.75);   // 11 -> 0.11
  EXPECT_DOUBLE_EQ(RadicalInverse(6, 2), 0.375);  // 110 -> 0.011
  EXPECT_DOUBLE_EQ(RadicalInverse(5, 3), 2.0 / 3 + 1.0 / 9);  // 12 -> 0.21
}

TEST(QuasiRandomPointsTest, StaysInTheUnitCubeAndDependsOnlyOnTheSeed) {
  const QuasiRandomPoints a(6, 42);
  const QuasiRandomPoints same(6, 42);
  const QuasiRandomPoints other(6, 43);
  int differing = 0;
  for (uint64_t i = 0; i < 500; ++i) {
    const std::vector<double> point = a.Point(i);
    ASSERT_EQ(point.size(), 6u);
    for (double x : point) {
      EXPECT_GE(x, 0.0);
      EXPECT_LT(x, 1.0);
    }
    EXPECT_EQ(point, same.Point(i));
    differing += point != other.Point(i) ? 1 : 0;
  }
  EXPECT_EQ(differing, 500);
}

// What makes the sequence worth having over uniform draws: the first base^m points of a dimension
// fall evenly into base^j equal intervals (j <= m), whatever the seed's shift.
TEST(QuasiRandomPointsTest, FirstPointsFillEqualIntervalsEvenly) {
  for (uint64_t seed : {0u, 7u, 1234u}) {
    const QuasiRandomPoints points(2, seed);
    std::vector<int> base2_bins(8, 0);
    std::vector<int> base3_bins(9, 0);
    for (uint64_t i = 0; i < 64; ++i) base2_bins[static_cast<int>(points.Point(i)[0] * 8)]++;
    for (uint64_t i = 0; i < 81; ++i) base3_bins[static_cast<int>(points.Point(i)[1] * 9)]++;
    // Points 0..63 are Halton indices 1..64: the full block 0..63 with index 0 (value 0) swapped
    // for index 64 (value 1/128), a neighbour the shift may push over a bin edge; so each bin holds
    // 8, or one more or less (base 3 likewise with 81 and 9).
    for (int count : base2_bins) EXPECT_NEAR(count, 8, 1) << "seed " << seed;
    for (int count : base3_bins) EXPECT_NEAR(count, 9, 1) << "seed " << seed;
  }
}

// A small search samples few points, and its item_alpha, user_alpha and max_sampled (bases 7, 11,
// 13) must vary independently. Plain Halton's first points there are k/7, k/11, k/13 (k < 7): each
// dimension steps by one constant, so the points lie on one line through the cube and the three
// parameters rise together. Permuted digits make the steps uneven (a permutation that happens to
// be k -> a * k mod base still steps evenly, in that one dimension only).
TEST(QuasiRandomPointsTest, TheFirstPointsOfHighDimensionsDoNotStepEvenly) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    const QuasiRandomPoints points(6, seed);
    int evenly_stepped = 0;
    for (int d : {3, 4, 5}) {
      std::set<long> steps;  // in millionths, modulo 1
      for (uint64_t i = 0; i + 1 < 6; ++i) {
        const double step = points.Point(i + 1)[d] - points.Point(i)[d];
        steps.insert(std::lround((step - std::floor(step)) * 1e6));
      }
      evenly_stepped += steps.size() == 1 ? 1 : 0;
    }
    EXPECT_LE(evenly_stepped, 1) << "seed " << seed;
  }
}

TEST(QuasiRandomPointsTest, ClampsTheDimensionCount) {
  EXPECT_EQ(QuasiRandomPoints(0, 1).Point(0).size(), 1u);
  EXPECT_EQ(QuasiRandomPoints(99, 1).Point(0).size(),
            static_cast<size_t>(QuasiRandomPoints::kMaxDimensions));
}

}  // namespace
}  // namespace vitrina::tuning
