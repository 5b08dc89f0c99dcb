#include "trainer/half_precision_rows.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

namespace vitrina::trainer {
namespace {

#if defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
constexpr bool kHaveF16c = true;
#else
constexpr bool kHaveF16c = false;
#endif

constexpr float kLargestHalf = 65504.0f;
constexpr int kLanes = 8;

}  // namespace

HalfPrecisionRows HalfPrecisionRows::Build(const float* rows, int64_t n_rows, int cols) {
  HalfPrecisionRows half;
  half.n_rows_ = n_rows;
  half.cols_ = cols;
  half.stride_ = (cols + kLanes - 1) / kLanes * kLanes;
  if (!kHaveF16c) return half;
  half.column_max_abs_.assign(static_cast<size_t>(cols), 0.0f);
  for (int64_t i = 0; i < n_rows; ++i) {
    for (int c = 0; c < cols; ++c) {
      const float magnitude = std::fabs(rows[i * cols + c]);
      if (!(magnitude <= kLargestHalf)) return half;  // also catches NaN
      half.column_max_abs_[static_cast<size_t>(c)] = std::max(half.column_max_abs_[static_cast<size_t>(c)], magnitude);
    }
  }
#if defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
  half.halves_.assign(static_cast<size_t>(n_rows * half.stride_), 0);
  alignas(32) float padded[kLanes];
  for (int64_t i = 0; i < n_rows; ++i) {
    const float* row = rows + i * cols;
    uint16_t* out = half.halves_.data() + i * half.stride_;
    for (int c = 0; c < half.stride_; c += kLanes) {
      for (int lane = 0; lane < kLanes; ++lane) padded[lane] = c + lane < cols ? row[c + lane] : 0.0f;
      const __m128i packed = _mm256_cvtps_ph(_mm256_load_ps(padded), _MM_FROUND_TO_NEAREST_INT);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c), packed);
    }
  }
  half.usable_ = true;
#endif
  return half;
}

void HalfPrecisionRows::Dots(std::span<const float> query, std::span<float> out) const {
#if defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
  thread_local AlignedFloats padded;
  padded.assign(static_cast<size_t>(stride_), 0.0f);
  std::copy(query.begin(), query.begin() + std::min<size_t>(query.size(), static_cast<size_t>(cols_)), padded.begin());
  // Four rows at a time: each row's sum is a chain of dependent multiply-adds, and interleaving
  // independent chains keeps the conversion and FMA units busy instead of waiting on latency.
  auto load = [&](int64_t row, int c) {
    return _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(halves_.data() + row * stride_ + c)));
  };
  int64_t i = 0;
  for (; i + 4 <= n_rows_; i += 4) {
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    for (int c = 0; c < stride_; c += kLanes) {
      const __m256 q = _mm256_load_ps(padded.data() + c);
      a0 = _mm256_fmadd_ps(load(i, c), q, a0);
      a1 = _mm256_fmadd_ps(load(i + 1, c), q, a1);
      a2 = _mm256_fmadd_ps(load(i + 2, c), q, a2);
      a3 = _mm256_fmadd_ps(load(i + 3, c), q, a3);
    }
    // Horizontal sums of the four accumulators, one per output lane.
    const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
    _mm_storeu_ps(out.data() + i, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
  }
  for (; i < n_rows_; ++i) {
    __m256 lanes = _mm256_setzero_ps();
    for (int c = 0; c < stride_; c += kLanes) lanes = _mm256_fmadd_ps(load(i, c), _mm256_load_ps(padded.data() + c), lanes);
    const __m256 pairs = _mm256_hadd_ps(lanes, lanes);
    const __m256 h = _mm256_hadd_ps(pairs, pairs);
    out[static_cast<size_t>(i)] = _mm_cvtss_f32(_mm_add_ss(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
  }
#else
  (void)query;
  (void)out;
#endif
}

double HalfPrecisionRows::ErrorBound(std::span<const float> query) const {
  // Rounding a value v to binary16 moves it by at most 2^-11 |v| + 2^-25. Each single-precision
  // sum of n products is off by at most gamma_n = n u / (1 - n u) (u = 2^-24) times the sum of
  // the products' magnitudes, and there are two such sums (exact and approximate).
  const double unit = std::ldexp(1.0, -24);
  const double n = stride_;
  const double gamma = n * unit / (1 - n * unit);
  double weighted = 0;
  double magnitude = 0;
  for (int c = 0; c < cols_ && c < static_cast<int>(query.size()); ++c) {
    const double q = std::fabs(static_cast<double>(query[static_cast<size_t>(c)]));
    weighted += q * column_max_abs_[static_cast<size_t>(c)];
    magnitude += q;
  }
  const double rounding = std::ldexp(1.0, -11) * weighted + std::ldexp(1.0, -25) * magnitude;
  const double summing = gamma * (2 * weighted + rounding);
  return (rounding + summing) * (1 + 1e-6);
}

}  // namespace vitrina::trainer
