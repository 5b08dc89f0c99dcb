#include "trainer/top_k_by_dot.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "trainer/exact_dot.h"

namespace vitrina::trainer {
namespace {

struct Matrix {
  std::vector<float> values;
  int64_t n_rows = 0;
  int cols = 0;
  HalfPrecisionRows half;

  DotRows rows() const { return {values.data(), n_rows, cols, &half}; }
  DotRows exact_only() const { return {values.data(), n_rows, cols, nullptr}; }
};

Matrix RandomMatrix(int64_t n_rows, int cols, uint32_t seed) {
  Matrix m{std::vector<float>(static_cast<size_t>(n_rows * cols)), n_rows, cols, {}};
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  for (float& v : m.values) v = normal(rng);
  m.half = HalfPrecisionRows::Build(m.values.data(), n_rows, cols);
  return m;
}

// What TopKByDot must equal bit for bit: every row scored exactly, then the heap selection.
std::vector<ScoredIndex> Reference(const Matrix& m, std::span<const float> query, int k,
                                   absl::FunctionRef<bool(int32_t)> excluded) {
  std::vector<float> scores(static_cast<size_t>(m.n_rows));
  ExactDots(m.values.data(), m.n_rows, m.cols, query, scores);
  return TopK(std::span<const float>(scores), k, excluded);
}

TEST(TopKByDotTest, EqualsExactScoringOfEveryRow) {
  const Matrix m = RandomMatrix(20000, 66, 1);
  ASSERT_TRUE(m.half.usable());
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> query(66);
    for (float& q : query) q = normal(rng);
    auto excluded = [&](int32_t row) { return (row + trial) % 7 == 0; };
    for (int k : {1, 10, 30, 1000}) {
      const auto got = TopKByDot(m.rows(), query, k, excluded);
      ASSERT_EQ(got, Reference(m, query, k, excluded)) << "trial " << trial << " k " << k;
      ASSERT_EQ(got.size(), static_cast<size_t>(k));
    }
  }
}

// Rows that differ below binary16's resolution collapse to the same approximate score: the
// exact rescoring must still order them like the floats do.
TEST(TopKByDotTest, SeparatesRowsThatBinary16CannotTellApart) {
  Matrix m{std::vector<float>(5000 * 4), 5000, 4, {}};
  for (int64_t i = 0; i < m.n_rows; ++i) {
    m.values[i * 4 + 0] = 1.0f + static_cast<float>(i % 50) * 1e-6f;  // same binary16 for all
    m.values[i * 4 + 1] = 0.5f;
    m.values[i * 4 + 2] = (i % 3 == 0) ? 0.25f : 0.25f + 1e-5f;
    m.values[i * 4 + 3] = 1.0f;
  }
  m.half = HalfPrecisionRows::Build(m.values.data(), m.n_rows, m.cols);
  ASSERT_TRUE(m.half.usable());
  const std::vector<float> query = {1.0f, -2.0f, 3.0f, 0.125f};
  auto none = [](int32_t) { return false; };
  for (int k : {1, 5, 60, 200}) EXPECT_EQ(TopKByDot(m.rows(), query, k, none), Reference(m, query, k, none));
}

TEST(TopKByDotTest, IdenticalRowsRankByIndex) {
  Matrix m{std::vector<float>(300 * 3, 0.5f), 300, 3, {}};
  m.half = HalfPrecisionRows::Build(m.values.data(), m.n_rows, m.cols);
  const std::vector<float> query = {1.0f, 1.0f, 1.0f};
  auto odd = [](int32_t row) { return row % 2 == 1; };
  const auto got = TopKByDot(m.rows(), query, 4, odd);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].index, 0);
  EXPECT_EQ(got[3].index, 6);
  EXPECT_EQ(got, Reference(m, query, 4, odd));
}

TEST(TopKByDotTest, FewerEligibleRowsThanKGivesAllOfThemRanked) {
  const Matrix m = RandomMatrix(50, 8, 3);
  const std::vector<float> query(8, 0.3f);
  auto most = [](int32_t row) { return row % 10 != 0; };
  const auto got = TopKByDot(m.rows(), query, 20, most);
  EXPECT_EQ(got.size(), 5u);
  EXPECT_EQ(got, Reference(m, query, 20, most));
}

TEST(TopKByDotTest, FallsBackToExactScoringWithoutAUsableCopy) {
  Matrix m = RandomMatrix(1000, 16, 4);
  m.values[5] = 1e6f;  // too large for binary16
  m.half = HalfPrecisionRows::Build(m.values.data(), m.n_rows, m.cols);
  ASSERT_FALSE(m.half.usable());
  const std::vector<float> query(16, 1.0f);
  auto none = [](int32_t) { return false; };
  EXPECT_EQ(TopKByDot(m.rows(), query, 10, none), Reference(m, query, 10, none));
  EXPECT_EQ(TopKByDot(m.exact_only(), query, 10, none), Reference(m, query, 10, none));
  EXPECT_EQ(TopKByDot(m.rows(), query, 10, none)[0].index, 0);
}

TEST(TopKByDotTest, NaNQueryAndDegenerateSizesGiveEmptyAnswers) {
  const Matrix m = RandomMatrix(100, 4, 5);
  auto none = [](int32_t) { return false; };
  const std::vector<float> nan_query = {NAN, 1, 1, 1};
  EXPECT_TRUE(TopKByDot(m.rows(), nan_query, 10, none).empty());
  const std::vector<float> query = {1, 1, 1, 1};
  EXPECT_TRUE(TopKByDot(m.rows(), query, 0, none).empty());
  const Matrix empty = RandomMatrix(0, 4, 6);
  EXPECT_TRUE(TopKByDot(empty.rows(), query, 10, none).empty());
}

}  // namespace
}  // namespace vitrina::trainer
