#pragma once

#include <cstdint>
#include <vector>

namespace vitrina::tuning {

// Points of a scrambled Halton sequence in the unit cube [0, 1)^dimensions: the radical inverse of
// the point's index in the d-th prime base, its digits permuted by a per-dimension permutation
// drawn from `seed`, then shifted modulo 1 by a per-dimension offset (a Cranley-Patterson
// rotation). The first n points cover the cube far more evenly than n uniform draws (no clumps, no
// large holes), which is what a small search budget needs; the shift makes each seed a different,
// equally even set. The digit permutation is what keeps dimensions independent for small n: plain
// Halton's first points in the bases 7, 11 and 13 are k/7, k/11 and k/13, one line through the
// cube, so a 6-trial search moved both alphas and max_sampled up together. Hand-written (a few
// lines), up to 16 dimensions.
class QuasiRandomPoints {
 public:
  static constexpr int kMaxDimensions = 16;

  QuasiRandomPoints(int dimensions, uint64_t seed);

  // The index-th point (index 0 is the first); coordinates in [0, 1).
  std::vector<double> Point(uint64_t index) const;

 private:
  std::vector<double> shifts_;
  std::vector<std::vector<uint32_t>> digit_permutations_;  // each fixes 0 (the endless leading zeros)
};

// The radical inverse of n in `base`: n's base-`base` digits mirrored behind the point.
double RadicalInverse(uint64_t n, uint32_t base);
// The same with every digit replaced by permutation[digit] (a permutation of 0..base-1 fixing 0).
double PermutedRadicalInverse(uint64_t n, uint32_t base, const std::vector<uint32_t>& permutation);

}  // namespace vitrina::tuning
