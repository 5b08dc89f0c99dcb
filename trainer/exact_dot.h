#pragma once

#include <immintrin.h>

#include <cmath>
#include <cstdint>
#include <span>

namespace vitrina::trainer {

// The one single-precision dot product every served score comes from. Its operation order is
// fixed (8-lane fused multiply-adds, a fixed reduction tree, then the tail in order), so a row
// scored alone gives the same bits as in a full scan: a ranking that rescores a few rows exactly
// agrees with one that scored them all.
inline float ExactDot(const float* a, const float* b, int n) {
  int c = 0;
  float sum = 0;
#if defined(__AVX2__) && defined(__FMA__)
  __m256 lanes = _mm256_setzero_ps();
  for (; c + 8 <= n; c += 8) lanes = _mm256_fmadd_ps(_mm256_loadu_ps(a + c), _mm256_loadu_ps(b + c), lanes);
  const __m128 low = _mm256_castps256_ps128(lanes);
  const __m128 high = _mm256_extractf128_ps(lanes, 1);
  const __m128 pairs = _mm_add_ps(low, high);                       // (v0+v4, v1+v5, v2+v6, v3+v7)
  const __m128 halves = _mm_add_ps(pairs, _mm_movehl_ps(pairs, pairs));  // (.. + v2+v6, .. + v3+v7)
  sum = _mm_cvtss_f32(_mm_add_ss(halves, _mm_movehdup_ps(halves)));
#endif
  for (; c < n; ++c) sum = std::fma(a[c], b[c], sum);
  return sum;
}

// out[i] = ExactDot(row i, query) for every row of a row-major matrix with `stride` floats per row.
inline void ExactDots(const float* rows, int64_t n_rows, int64_t stride, std::span<const float> query,
                      std::span<float> out) {
  const int n = static_cast<int>(query.size());
  for (int64_t i = 0; i < n_rows; ++i) out[static_cast<size_t>(i)] = ExactDot(rows + i * stride, query.data(), n);
}

}  // namespace vitrina::trainer
