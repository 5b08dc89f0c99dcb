#pragma once

#include <cstdint>
#include <initializer_list>

#include "common/split_mix64.h"

namespace vitrina::simulation {

// SplitMix64 keyed by a list of integers (seed, user, session, step ...): the same keys give the
// same draws on every platform and in any thread order.
class SeededRandom {
 public:
  explicit SeededRandom(std::initializer_list<uint64_t> keys) : generator_(StateFor(keys)) {}

  uint64_t Next() { return generator_.Next(); }
  double Uniform() { return generator_.Uniform(); }  // [0, 1)
  // Uniform in [0, n) for n >= 1.
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>(Uniform() * static_cast<double>(n)); }

 private:
  // Each key is mixed into the state by one SplitMix64 step.
  static uint64_t StateFor(std::initializer_list<uint64_t> keys) {
    uint64_t state = 0x5EED5EED5EED5EEDULL;
    for (uint64_t key : keys) state = SplitMix64(state ^ key).Next();
    return state;
  }

  SplitMix64 generator_;
};

}  // namespace vitrina::simulation
