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

double PermutedRadicalInverse(uint64_t n, uint32_t base, const std::vector<uint32_t>& permutation) {
  double inverse = 0;
  double digit_weight = 1.0 / base;
  while (n > 0) {
    inverse += static_cast<double>(permutation[n % base]) * digit_weight;
    n /= base;
    digit_weight /= base;
  }
  return inverse;
}

double RadicalInverse(uint64_t n, uint32_t base) {
  std::vector<uint32_t> identity(base);
  for (uint32_t digit = 0; digit < base; ++digit) identity[digit] = digit;
  return PermutedRadicalInverse(n, base, identity);
}

QuasiRandomPoints::QuasiRandomPoints(int dimensions, uint64_t seed) {
  dimensions = std::clamp(dimensions, 1, kMaxDimensions);
  trainer::Pcg32 rng(seed, /*stream=*/0x5eed);
  shifts_.reserve(dimensions);
  for (int d = 0; d < dimensions; ++d) shifts_.push_back(rng.Next() / 4294967296.0);
  // Drawn after the shifts, from the same stream, so each seed's shifts stay what they were.
  for (int d = 0; d < dimensions; ++d) {
    std::vector<uint32_t> permutation(kPrimes[d]);
    for (uint32_t digit = 0; digit < kPrimes[d]; ++digit) permutation[digit] = digit;
    for (uint32_t i = kPrimes[d] - 1; i > 1; --i) {  // Fisher-Yates over 1..base-1
      std::swap(permutation[i], permutation[1 + rng.Below(i)]);
    }
    digit_permutations_.push_back(std::move(permutation));
  }
}

std::vector<double> QuasiRandomPoints::Point(uint64_t index) const {
  std::vector<double> point(shifts_.size());
  for (size_t d = 0; d < shifts_.size(); ++d) {
    // Index 0 of every Halton dimension is 0 (the corner); starting at 1 avoids it.
    const double shifted = PermutedRadicalInverse(index + 1, kPrimes[d], digit_permutations_[d]) + shifts_[d];
    point[d] = shifted - std::floor(shifted);
  }
  return point;
}

}  // namespace vitrina::tuning
