#pragma once

#include <cstdint>
#include <initializer_list>

namespace vitrina::simulation {

// SplitMix64 keyed by a list of integers (seed, user, session, step ...): the same keys give the
// same draws on every platform and in any thread order, which the std distributions (whose
// algorithms are implementation-defined) cannot promise.
class SeededRandom {
 public:
  explicit SeededRandom(std::initializer_list<uint64_t> keys) {
    for (uint64_t key : keys) {
      state_ ^= key;
      state_ = Next();
    }
  }

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  // Uniform in [0, n) for n >= 1.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }

 private:
  uint64_t state_ = 0x5EED5EED5EED5EEDULL;
};

}  // namespace vitrina::simulation
