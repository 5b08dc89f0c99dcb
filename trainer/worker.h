#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "trainer/aligned_vector.h"
#include "trainer/random.h"
#include "trainer/regularization_scales.h"

namespace vitrina::trainer {

// One training thread's private state (fastText style): its random stream, scratch rows and the
// epoch figure it accumulates. Aligned to a cache line so two workers never share one.
struct alignas(64) Worker {
  explicit Worker(int stride)
      : user_direction(stride), positive(stride), negative(stride), direction(stride) {}

  Pcg32 rng;
  WorkerScales scales;
  // The user representation with the bias lane set to 1 (so that a dot product with an item
  // representation adds the item bias, and so that it is the items' update direction).
  AlignedFloats user_direction;
  float user_bias = 0;
  AlignedFloats positive;  // item representations: [embedding, bias, padding]
  AlignedFloats negative;
  AlignedFloats direction;                                // the user's update direction
  std::vector<std::pair<float, int32_t>> kos_candidates;  // (prediction, item)

  double figure_sum = 0;  // loss or sampled negatives, summed over the worker's samples
  int64_t figure_count = 0;
};

}  // namespace vitrina::trainer
