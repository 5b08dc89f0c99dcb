#pragma once

#include <cmath>

#include "trainer/lanes.h"

// LightFM's per-parameter updates (update_features / update_biases), applied to one parameter row
// at once: lane j moves along gradient * direction[j]. The bias lane has direction 1 and padding
// lanes direction 0. With kRegularized the updated weights are scaled up by (1 + alpha * local
// rate) and the local rates of the real lanes [0, no_components] are summed: LightFM's lazy L2
// (see regularization_scales.h). A schedule is a template argument, so nothing is virtual per lane.
namespace vitrina::trainer {

struct Adagrad {
  float learning_rate;

  template <bool kRegularized>
  float Apply(float* __restrict weights, float* __restrict squared_gradients, float* /*unused*/,
              const float* __restrict direction, float gradient, float alpha, int last_real_lane,
              int stride) const {
    if constexpr (!kRegularized) {
      stride = WholeBlocks(stride);
      for (int j = 0; j < stride; ++j) {
        const float g = gradient * direction[j];
        // The rate uses the accumulator before this gradient is added, as LightFM does.
        weights[j] -= learning_rate / std::sqrt(squared_gradients[j]) * g;
        squared_gradients[j] += g * g;
      }
      return 0.0f;
    }
    float rate_sums[kLaneWidth] = {};
    for (int base = 0; base < stride; base += kLaneWidth) {
      for (int lane = 0; lane < kLaneWidth; ++lane) {
        const int j = base + lane;
        const float g = gradient * direction[j];
        const float rate = learning_rate / std::sqrt(squared_gradients[j]);
        weights[j] -= rate * g;
        squared_gradients[j] += g * g;
        weights[j] *= 1.0f + alpha * rate;
        rate_sums[lane] += j <= last_real_lane ? rate : 0.0f;
      }
    }
    return HorizontalSum(rate_sums);
  }
};

struct Adadelta {
  float rho;
  float epsilon;

  template <bool kRegularized>
  float Apply(float* __restrict weights, float* __restrict squared_gradients,
              float* __restrict squared_updates, const float* __restrict direction, float gradient,
              float alpha, int last_real_lane, int stride) const {
    if constexpr (!kRegularized) {
      stride = WholeBlocks(stride);
      for (int j = 0; j < stride; ++j) {
        const float g = gradient * direction[j];
        squared_gradients[j] = rho * squared_gradients[j] + (1.0f - rho) * g * g;
        const float update =
            std::sqrt(squared_updates[j] + epsilon) / std::sqrt(squared_gradients[j] + epsilon) * g;
        squared_updates[j] = rho * squared_updates[j] + (1.0f - rho) * update * update;
        weights[j] -= update;
      }
      return 0.0f;
    }
    float rate_sums[kLaneWidth] = {};
    for (int base = 0; base < stride; base += kLaneWidth) {
      for (int lane = 0; lane < kLaneWidth; ++lane) {
        const int j = base + lane;
        const float g = gradient * direction[j];
        squared_gradients[j] = rho * squared_gradients[j] + (1.0f - rho) * g * g;
        const float rate =
            std::sqrt(squared_updates[j] + epsilon) / std::sqrt(squared_gradients[j] + epsilon);
        const float update = rate * g;
        squared_updates[j] = rho * squared_updates[j] + (1.0f - rho) * update * update;
        weights[j] -= update;
        weights[j] *= 1.0f + alpha * rate;
        rate_sums[lane] += j <= last_real_lane ? rate : 0.0f;
      }
    }
    return HorizontalSum(rate_sums);
  }
};

}  // namespace vitrina::trainer
