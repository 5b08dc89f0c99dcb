#pragma once

// Loops over a parameter row in blocks of kLaneWidth floats. Rows are padded to a multiple of
// kLaneWidth, so every loop below has a fixed-width inner loop that GCC turns into one AVX2
// instruction per block, with no remainder loop (bench/trainer checks the speed). Reductions keep
// one partial sum per lane, which needs no -ffast-math to vectorise.
namespace vitrina::trainer {

inline constexpr int kLaneWidth = 8;

constexpr int PaddedStride(int width) { return (width + kLaneWidth - 1) / kLaneWidth * kLaneWidth; }

inline float HorizontalSum(const float (&lanes)[kLaneWidth]) {
  return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
}

inline float Dot(const float* __restrict a, const float* __restrict b, int stride) {
  float sums[kLaneWidth] = {};
  for (int base = 0; base < stride; base += kLaneWidth) {
    for (int lane = 0; lane < kLaneWidth; ++lane) sums[lane] += a[base + lane] * b[base + lane];
  }
  return HorizontalSum(sums);
}

// out = scale * in
inline void ScaledCopy(const float* __restrict in, float scale, float* __restrict out, int stride) {
  for (int base = 0; base < stride; base += kLaneWidth) {
    for (int lane = 0; lane < kLaneWidth; ++lane) out[base + lane] = scale * in[base + lane];
  }
}

// out += scale * in
inline void AddScaled(const float* __restrict in, float scale, float* __restrict out, int stride) {
  for (int base = 0; base < stride; base += kLaneWidth) {
    for (int lane = 0; lane < kLaneWidth; ++lane) out[base + lane] += scale * in[base + lane];
  }
}

// out = a - b
inline void Difference(const float* __restrict a, const float* __restrict b, float* __restrict out,
                       int stride) {
  for (int base = 0; base < stride; base += kLaneWidth) {
    for (int lane = 0; lane < kLaneWidth; ++lane) out[base + lane] = a[base + lane] - b[base + lane];
  }
}

inline void Fill(float value, float* out, int stride) {
  for (int i = 0; i < stride; ++i) out[i] = value;
}

}  // namespace vitrina::trainer
