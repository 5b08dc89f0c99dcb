#include "trainer/learning_schedules.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vitrina::trainer {
namespace {

// One row of 8 lanes: embedding lanes 0..4, the bias in lane 5, padding in lanes 6 and 7.
constexpr int kStride = 8;
constexpr int kBiasLane = 5;

struct Row {
  std::vector<float> weights = {0.1f, -0.2f, 0.3f, 0.0f, 0.5f, 0.05f, 0.0f, 0.0f};
  std::vector<float> gradients;
  std::vector<float> updates = std::vector<float>(kStride, 0.0f);
  std::vector<float> direction = {1.0f, -2.0f, 0.5f, 0.0f, 3.0f, 1.0f, 0.0f, 0.0f};
};

TEST(LearningSchedulesTest, AdagradUsesTheAccumulatorBeforeAddingTheSquaredGradient) {
  Row row;
  row.gradients.assign(kStride, 1.0f);  // LightFM's adagrad start
  const Adagrad adagrad{0.05f};
  const float gradient = 0.7f;
  const std::vector<float> before = row.weights;
  adagrad.Apply<false>(row.weights.data(), row.gradients.data(), nullptr, row.direction.data(),
                       gradient, 0.0f, kBiasLane, kStride);
  for (int j = 0; j < kStride; ++j) {
    const float g = gradient * row.direction[j];
    EXPECT_FLOAT_EQ(row.weights[j], before[j] - 0.05f * g) << j;
    EXPECT_FLOAT_EQ(row.gradients[j], 1.0f + g * g) << j;
  }
  // The second step's rate shrinks with the accumulated squares.
  const std::vector<float> middle = row.weights;
  const std::vector<float> accumulated = row.gradients;
  adagrad.Apply<false>(row.weights.data(), row.gradients.data(), nullptr, row.direction.data(),
                       gradient, 0.0f, kBiasLane, kStride);
  for (int j = 0; j < kStride; ++j) {
    const float g = gradient * row.direction[j];
    EXPECT_FLOAT_EQ(row.weights[j], middle[j] - 0.05f / std::sqrt(accumulated[j]) * g) << j;
  }
  EXPECT_EQ(row.weights[6], 0.0f);  // padding stays zero
  EXPECT_EQ(row.weights[7], 0.0f);
}

TEST(LearningSchedulesTest, AdadeltaKeepsBothRunningAverages) {
  Row row;
  row.gradients.assign(kStride, 0.0f);  // LightFM's adadelta start
  const Adadelta adadelta{0.95f, 1e-6f};
  const float gradient = -0.4f;
  const std::vector<float> before = row.weights;
  adadelta.Apply<false>(row.weights.data(), row.gradients.data(), row.updates.data(),
                        row.direction.data(), gradient, 0.0f, kBiasLane, kStride);
  for (int j = 0; j < kStride; ++j) {
    const float g = gradient * row.direction[j];
    const float squared_gradient = 0.05f * g * g;
    const float rate = std::sqrt(1e-6f) / std::sqrt(squared_gradient + 1e-6f);
    EXPECT_FLOAT_EQ(row.gradients[j], squared_gradient) << j;
    EXPECT_NEAR(row.updates[j], 0.05f * rate * g * rate * g, 1e-12) << j;
    EXPECT_NEAR(row.weights[j], before[j] - rate * g, 1e-7) << j;
  }
  EXPECT_EQ(row.weights[6], 0.0f);
}

TEST(LearningSchedulesTest, RegularizedStepScalesUpAndSumsTheRatesOfRealLanesOnly) {
  Row row;
  row.gradients.assign(kStride, 4.0f);  // rate = 0.05 / 2 on every lane
  const Adagrad adagrad{0.05f};
  const float alpha = 0.5f;
  const std::vector<float> before = row.weights;
  const float rate_sum = adagrad.Apply<true>(row.weights.data(), row.gradients.data(), nullptr,
                                             row.direction.data(), 1.0f, alpha, kBiasLane, kStride);
  EXPECT_FLOAT_EQ(rate_sum, 6 * 0.025f);  // lanes 0..5, not the padding
  for (int j = 0; j <= kBiasLane; ++j) {
    EXPECT_FLOAT_EQ(row.weights[j],
                    (before[j] - 0.025f * row.direction[j]) * (1.0f + alpha * 0.025f))
        << j;
  }
}

}  // namespace
}  // namespace vitrina::trainer
