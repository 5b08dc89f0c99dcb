#include "trainer/half_precision_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "trainer/exact_dot.h"

namespace vitrina::trainer {
namespace {

std::vector<float> RandomValues(size_t n, float scale, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, scale);
  std::vector<float> values(n);
  for (float& v : values) v = normal(rng);
  return values;
}

// Rows of very different magnitudes per column, including values below binary16's normal range,
// exact zeros and a column padded to the next 8 halves.
TEST(HalfPrecisionRowsTest, ApproximateDotsStayWithinTheErrorBound) {
  constexpr int64_t kRows = 3001;  // not a multiple of the kernel's four rows
  for (int cols : {1, 7, 8, 30, 66}) {
    std::vector<float> rows = RandomValues(kRows * cols, 0.3f, static_cast<uint32_t>(cols));
    for (int64_t i = 0; i < kRows; ++i) {
      rows[i * cols] *= 1e-6f;                    // subnormal in binary16
      if (i % 17 == 0) rows[i * cols + cols - 1] = 0;
      if (i % 101 == 0) rows[i * cols + cols - 1] = 60000.0f;  // near the largest half
    }
    const HalfPrecisionRows half = HalfPrecisionRows::Build(rows.data(), kRows, cols);
    ASSERT_TRUE(half.usable());
    for (uint32_t trial = 0; trial < 5; ++trial) {
      const std::vector<float> query = RandomValues(static_cast<size_t>(cols), 2.0f, 100 + trial);
      std::vector<float> approximate(kRows);
      half.Dots(query, approximate);
      const double bound = half.ErrorBound(query);
      double worst = 0;
      for (int64_t i = 0; i < kRows; ++i) {
        const float exact = ExactDot(rows.data() + i * cols, query.data(), cols);
        const double error = std::fabs(static_cast<double>(approximate[i]) - exact);
        ASSERT_LE(error, bound) << "row " << i << " cols " << cols;
        worst = std::max(worst, error);
      }
      EXPECT_GT(worst, 0) << "binary16 rounding must show on random values";
    }
  }
}

// On embeddings without outliers the bound is within a small factor of the real worst error, so
// that the exact rescoring it implies stays a handful of rows.
TEST(HalfPrecisionRowsTest, ErrorBoundIsTightOnOrdinaryEmbeddings) {
  constexpr int64_t kRows = 20000;
  constexpr int kCols = 66;
  const std::vector<float> rows = RandomValues(kRows * kCols, 0.3f, 11);
  const HalfPrecisionRows half = HalfPrecisionRows::Build(rows.data(), kRows, kCols);
  const std::vector<float> query = RandomValues(kCols, 1.0f, 12);
  std::vector<float> approximate(kRows);
  half.Dots(query, approximate);
  double worst = 0;
  for (int64_t i = 0; i < kRows; ++i) {
    worst = std::max(worst, std::fabs(static_cast<double>(approximate[i]) -
                                      ExactDot(rows.data() + i * kCols, query.data(), kCols)));
  }
  const double bound = half.ErrorBound(query);
  EXPECT_LE(worst, bound);
  EXPECT_LT(bound, 20 * worst);
}

TEST(HalfPrecisionRowsTest, RefusesValuesBinary16CannotHold) {
  for (float bad : {70000.0f, -1e6f, NAN, INFINITY}) {
    std::vector<float> rows = {0.5f, 1.0f, bad, 0.25f};
    EXPECT_FALSE(HalfPrecisionRows::Build(rows.data(), 2, 2).usable()) << bad;
  }
}

TEST(HalfPrecisionRowsTest, EmptyMatrixIsUsableAndScoresNothing) {
  const HalfPrecisionRows half = HalfPrecisionRows::Build(nullptr, 0, 4);
  EXPECT_TRUE(half.usable());
  EXPECT_EQ(half.n_rows(), 0);
  std::vector<float> query = {1, 2, 3, 4};
  half.Dots(query, {});
  EXPECT_LT(half.ErrorBound(query), 1e-6);
}

}  // namespace
}  // namespace vitrina::trainer
