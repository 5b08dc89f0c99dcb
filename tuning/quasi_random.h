#pragma once

#include <cstdint>
#include <vector>

namespace vitrina::tuning {

// Points of a scrambled Halton sequence in the unit cube [0, 1)^dimensions: the radical inverse of
// the point's index in the d-th prime base, shifted modulo 1 by a per-dimension offset drawn from
// `seed` (a Cranley-Patterson rotation). The first n points cover the cube far more evenly than n
// uniform draws (no clumps, no large holes), which is what a small search budget needs; the shift
// makes each seed a different, equally even set. Hand-written (a few lines), up to 16 dimensions.
class QuasiRandomPoints {
 public:
  static constexpr int kMaxDimensions = 16;

  QuasiRandomPoints(int dimensions, uint64_t seed);

  // The index-th point (index 0 is the first); coordinates in [0, 1).
  std::vector<double> Point(uint64_t index) const;

 private:
  std::vector<double> shifts_;
};

// The radical inverse of n in `base`: n's base-`base` digits mirrored behind the point.
double RadicalInverse(uint64_t n, uint32_t base);

}  // namespace vitrina::tuning
