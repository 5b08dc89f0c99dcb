#include "trainer/top_k_by_dot.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "trainer/exact_dot.h"

namespace vitrina::trainer {
namespace {

// One score buffer per serving thread: a 100k-row catalog needs 400 KB per request, which
// allocating and zeroing every time would cost for nothing (every entry is overwritten).
std::span<float> ScoreBuffer(int64_t n_rows) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < static_cast<size_t>(n_rows)) buffer.resize(static_cast<size_t>(n_rows));
  return std::span<float>(buffer.data(), static_cast<size_t>(n_rows));
}

// A float strictly below `bound`: every float score at or above `bound` is greater than it.
float FloatBelow(double bound) {
  const float down = -std::numeric_limits<float>::infinity();
  auto rounded = static_cast<float>(bound);
  if (static_cast<double>(rounded) > bound) rounded = std::nextafter(rounded, down);
  return std::nextafter(rounded, down);
}

std::vector<ScoredIndex> ExactTopK(const DotRows& matrix, std::span<const float> query, int k,
                                   absl::FunctionRef<bool(int32_t)> excluded) {
  std::span<float> scores = ScoreBuffer(matrix.n_rows);
  ExactDots(matrix.rows, matrix.n_rows, matrix.cols, query, scores);
  return TopK(std::span<const float>(scores), k, excluded);
}

}  // namespace

std::vector<ScoredIndex> TopKByDot(const DotRows& matrix, std::span<const float> query, int k,
                                   absl::FunctionRef<bool(int32_t)> excluded) {
  if (k <= 0 || matrix.n_rows == 0) return {};
  if (matrix.half == nullptr || !matrix.half->usable()) return ExactTopK(matrix, query, k, excluded);

  std::span<float> approximate = ScoreBuffer(matrix.n_rows);
  matrix.half->Dots(query, approximate);
  const std::vector<ScoredIndex> leaders = TopK(std::span<const float>(approximate), k, excluded);

  auto exact = [&](int32_t row) {
    return ScoredIndex{row, ExactDot(matrix.rows + row * static_cast<int64_t>(matrix.cols), query.data(), matrix.cols)};
  };
  std::vector<ScoredIndex> candidates;
  if (leaders.size() < static_cast<size_t>(k)) {
    // Fewer than k rows are eligible at all, so the leaders are every one of them.
    for (const ScoredIndex& leader : leaders) candidates.push_back(exact(leader.index));
  } else {
    const double error = matrix.half->ErrorBound(query);
    const float floor = FloatBelow(static_cast<double>(leaders.back().score) - 2 * error);
    const auto n = static_cast<int32_t>(matrix.n_rows);
    for (int32_t row = NextAbove(approximate, 0, floor); row < n; row = NextAbove(approximate, row + 1, floor)) {
      if (!excluded(row)) candidates.push_back(exact(row));
    }
  }
  std::erase_if(candidates, [](const ScoredIndex& c) { return std::isnan(c.score); });
  const size_t kept = std::min(candidates.size(), static_cast<size_t>(k));
  std::partial_sort(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(kept), candidates.end(), RanksBefore);
  candidates.resize(kept);
  return candidates;
}

}  // namespace vitrina::trainer
