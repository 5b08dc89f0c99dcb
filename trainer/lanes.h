#pragma once

// Loops over parameter rows. Rows are padded to a multiple of kLaneWidth floats; telling the
// compiler so (WholeBlocks) lets it vectorise each loop into AVX2 instructions with no remainder
// loop. Reductions keep one partial sum per lane, which vectorises without -ffast-math.
namespace vitrina::trainer {

inline constexpr int kLaneWidth = 8;

constexpr int PaddedStride(int width) { return (width + kLaneWidth - 1) / kLaneWidth * kLaneWidth; }

inline int WholeBlocks(int stride) {
  if (stride % kLaneWidth != 0) __builtin_unreachable();
  return stride;
}

inline float HorizontalSum(const float (&lanes)[kLaneWidth]) {
  return ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) +
         ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
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
  stride = WholeBlocks(stride);
  for (int i = 0; i < stride; ++i) out[i] = scale * in[i];
}

// out += scale * in
inline void AddScaled(const float* __restrict in, float scale, float* __restrict out, int stride) {
  stride = WholeBlocks(stride);
  for (int i = 0; i < stride; ++i) out[i] += scale * in[i];
}

// out = a - b
inline void Difference(const float* __restrict a, const float* __restrict b, float* __restrict out,
                       int stride) {
  stride = WholeBlocks(stride);
  for (int i = 0; i < stride; ++i) out[i] = a[i] - b[i];
}

inline void Fill(float value, float* out, int stride) {
  for (int i = 0; i < stride; ++i) out[i] = value;
}

}  // namespace vitrina::trainer
