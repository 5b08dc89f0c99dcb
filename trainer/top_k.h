#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace vitrina::trainer {

struct ScoredIndex {
  int32_t index = 0;
  float score = 0;
  friend bool operator==(const ScoredIndex&, const ScoredIndex&) = default;
};

// Higher score first; equal scores by lower index, so results are deterministic.
inline bool RanksBefore(const ScoredIndex& a, const ScoredIndex& b) {
  return a.score > b.score || (a.score == b.score && a.index < b.index);
}

// The first index from `i` on whose score beats `worst`, or scores.size(). Once the heap is full
// almost no score enters it, so comparing eight at a time makes the scan a fraction of the scoring.
inline int32_t NextAbove(std::span<const float> scores, int32_t i, float worst) {
  const auto n = static_cast<int32_t>(scores.size());
#if defined(__AVX2__)
  const __m256 bar = _mm256_set1_ps(worst);
  while (i + 8 <= n && _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(scores.data() + i), bar, _CMP_GT_OQ)) == 0) {
    i += 8;
  }
#endif
  while (i < n && !(scores[static_cast<size_t>(i)] > worst)) ++i;
  return i;
}

// The k best of `scores` for which excluded(index) is false, best first. One pass with a heap of
// at most k entries whose top is the worst kept; `excluded` is called only for a candidate that
// would enter the heap, so a costly filter (blacklists, seen titles) runs on few indices. NaN
// scores never enter.
template <class Excluded>
std::vector<ScoredIndex> TopK(std::span<const float> scores, int k, Excluded&& excluded) {
  std::vector<ScoredIndex> heap;
  if (k <= 0) return heap;
  heap.reserve(std::min<size_t>(static_cast<size_t>(k), scores.size()));
  const auto n = static_cast<int32_t>(scores.size());
  for (int32_t i = 0; i < n; ++i) {
    // A later index never wins a tie against a kept one, so only a strictly higher score enters.
    if (heap.size() == static_cast<size_t>(k) && (i = NextAbove(scores, i, heap.front().score)) == n) break;
    const ScoredIndex candidate{i, scores[i]};
    if (std::isnan(candidate.score)) continue;
    if (heap.size() < static_cast<size_t>(k)) {
      if (excluded(i)) continue;
      heap.push_back(candidate);
      std::push_heap(heap.begin(), heap.end(), RanksBefore);
    } else if (RanksBefore(candidate, heap.front())) {
      if (excluded(i)) continue;
      std::pop_heap(heap.begin(), heap.end(), RanksBefore);
      heap.back() = candidate;
      std::push_heap(heap.begin(), heap.end(), RanksBefore);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), RanksBefore);
  return heap;
}

inline std::vector<ScoredIndex> TopK(std::span<const float> scores, int k) {
  return TopK(scores, k, [](int32_t) { return false; });
}

}  // namespace vitrina::trainer
