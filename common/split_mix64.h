#pragma once

#include <cstdint>

namespace vitrina {

// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and the same sequence on every platform,
// which the std distributions (whose algorithms are implementation-defined) cannot promise. The
// demo catalog and the listener simulator both draw from it so "deterministic for a seed" holds
// across compilers.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t state) : state_(state) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1), from the top 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace vitrina
