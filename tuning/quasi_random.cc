#include "tuning/quasi_random.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "trainer/random.h"

namespace vitrina::tuning {
namespace {

constexpr std::array<uint32_t, QuasiRandomPoints::kMaxDimensions> kPrimes = {
    2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53};

}  // namespace

double RadicalInverse(uint64_t n, uint32_t base) {
  double inverse = 0;
  double digit_weight = 1.0 / base;
  while (n > 0) {
    inverse += static_cast<double>(n % base) * digit_weight;
    n /= base;
    digit_weight /= base;
  }
  return inverse;
}

QuasiRandomPoints::QuasiRandomPoints(int dimensions, uint64_t seed) {
  dimensions = std::clamp(dimensions, 1, kMaxDimensions);
  trainer::Pcg32 rng(seed, /*stream=*/0x5eed);
  shifts_.reserve(dimensions);
  for (int d = 0; d < dimensions; ++d) shifts_.push_back(rng.Next() / 4294967296.0);
}

std::vector<double> QuasiRandomPoints::Point(uint64_t index) const {
  std::vector<double> point(shifts_.size());
  for (size_t d = 0; d < shifts_.size(); ++d) {
    // Index 0 of every Halton dimension is 0 (the corner); starting at 1 avoids it.
    const double shifted = RadicalInverse(index + 1, kPrimes[d]) + shifts_[d];
    point[d] = shifted - std::floor(shifted);
  }
  return point;
}

}  // namespace vitrina::tuning
