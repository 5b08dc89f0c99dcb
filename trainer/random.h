#pragma once

#include <cstdint>

namespace vitrina::trainer {

// PCG32 (O'Neill, XSH-RR): 8 bytes of state, a few cycles per draw, good enough statistics for
// negative sampling and shuffling. Each training thread owns one, seeded from the model's seed and
// the thread index, so nothing is shared between threads.
class Pcg32 {
 public:
  Pcg32() : Pcg32(0, 0) {}
  Pcg32(uint64_t seed, uint64_t stream) : increment_((stream << 1u) | 1u) {
    Next();
    state_ += seed;
    Next();
  }

  uint32_t Next() {
    const uint64_t old = state_;
    state_ = old * 6364136223846793005ULL + increment_;
    const auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
    const auto rotation = static_cast<uint32_t>(old >> 59u);
    return (xorshifted >> rotation) | (xorshifted << ((32u - rotation) & 31u));
  }

  // Uniform in [0, bound) by Lemire's multiply-shift: no division; the bias (bound / 2^32) is far
  // below anything sampling can notice.
  uint32_t Below(uint32_t bound) {
    return static_cast<uint32_t>((static_cast<uint64_t>(Next()) * bound) >> 32u);
  }

  // Uniform in [0, 1) with 24 random bits, the precision of a float.
  float Uniform() { return static_cast<float>(Next() >> 8u) * (1.0f / 16777216.0f); }

  // The full state, so that a saved model resumes with the same random sequence.
  uint64_t state() const { return state_; }
  uint64_t increment() const { return increment_; }
  static Pcg32 FromState(uint64_t state, uint64_t increment) {
    Pcg32 rng;
    rng.state_ = state;
    rng.increment_ = increment | 1u;
    return rng;
  }

 private:
  uint64_t state_ = 0;
  uint64_t increment_ = 1;
};

}  // namespace vitrina::trainer
