// Checks the logistic and BPR steps against finite differences of the losses they descend. With
// adagrad's accumulators at 1 the first step is plain SGD, so (before - after) / learning_rate is
// the gradient the kernel applied.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "trainer/csr_matrix.h"
#include "trainer/embedding_table.h"
#include "trainer/learning_schedules.h"
#include "trainer/loss.h"
#include "trainer/regularization_scales.h"
#include "trainer/sgd_step.h"
#include "trainer/training_context.h"
#include "trainer/worker.h"

namespace vitrina::trainer {
namespace {

constexpr int kComponents = 6;
constexpr float kLearningRate = 0.01f;

class GradientCheckTest : public ::testing::Test {
 protected:
  GradientCheckTest()
      : user_features_(CsrMatrix::FromEntries(1, 1, {{0, 0, 1.0f}})),
        item_features_(CsrMatrix::FromEntries(2, 2, {{0, 0, 1.0f}, {1, 1, 1.0f}})) {
    hp_.no_components = kComponents;
    hp_.learning_rate = kLearningRate;
    Pcg32 rng(3, 0);
    // Larger than LightFM's initial scale, so the gradients are far from zero.
    items_.Grow(2, kComponents, LearningSchedule::kAdagrad, rng);
    users_.Grow(1, kComponents, LearningSchedule::kAdagrad, rng);
    for (EmbeddingTable* table : {&items_, &users_}) {
      for (int32_t f = 0; f < table->n_features; ++f) {
        for (int c = 0; c <= kComponents; ++c)
          table->Row(f)[c] = 0.3f * std::sin(1.7f * (f + 1) * (c + 2));
      }
    }
  }

  // LightFM's prediction for the only user and `item`, in double.
  static double Prediction(const EmbeddingTable& users, const EmbeddingTable& items, int32_t item) {
    double dot = users.Row(0)[kComponents] + items.Row(item)[kComponents];
    for (int c = 0; c < kComponents; ++c)
      dot += static_cast<double>(users.Row(0)[c]) * items.Row(item)[c];
    return dot;
  }

  // For every real lane of row `feature`: the gradient the kernel applied ((probe - stepped) /
  // rate, `probe` holding the parameters before the step) against central differences of `loss`,
  // which reads `probe`.
  static void ExpectStepIsGradient(const std::function<double()>& loss, EmbeddingTable& probe,
                                   const EmbeddingTable& stepped, int32_t feature,
                                   bool include_bias) {
    const int last = include_bias ? kComponents : kComponents - 1;
    for (int lane = 0; lane <= last; ++lane) {
      float& parameter = probe.Row(feature)[lane];
      const float before = parameter;
      const double applied =
          (before - stepped.Row(feature)[lane]) / static_cast<double>(kLearningRate);
      parameter = before + 1e-3f;
      const double plus = loss();
      parameter = before - 1e-3f;
      const double minus = loss();
      parameter = before;
      const double numeric = (plus - minus) / 2e-3;
      EXPECT_NEAR(applied, numeric, 1e-3 + 1e-2 * std::fabs(numeric))
          << "feature " << feature << " lane " << lane;
    }
  }

  Hyperparameters hp_;
  CsrMatrix user_features_;
  CsrMatrix item_features_;
  TrainingInteractions interactions_;
  EmbeddingTable users_;
  EmbeddingTable items_;
};

TEST_F(GradientCheckTest, LogisticStepIsTheLogLossGradient) {
  for (const float label : {1.0f, 0.0f}) {
    EmbeddingTable users = users_;
    EmbeddingTable items = items_;
    RegularizationScales scales(users, items);
    const TrainingContext context{hp_,   user_features_, item_features_, interactions_,
                                  users, items,          scales};
    Worker worker(users.stride);
    const Adagrad schedule{kLearningRate};
    SgdStep<Adagrad, false> step(context, worker, schedule);

    const float weight = 1.5f;
    step.RepresentUser(0);
    step.RepresentItem(0, worker.positive.data());
    const float loss = weight * (Sigmoid(step.Predict(worker.positive.data())) - label);
    step.Pointwise(loss, 0, 0, worker.positive.data());

    EmbeddingTable probe_users = users_;
    EmbeddingTable probe_items = items_;
    auto log_loss = [&] {
      const double p = 1.0 / (1.0 + std::exp(-Prediction(probe_users, probe_items, 0)));
      return -weight * (label * std::log(p) + (1 - label) * std::log(1 - p));
    };
    ExpectStepIsGradient(log_loss, probe_users, users, 0, true);
    ExpectStepIsGradient(log_loss, probe_items, items, 0, true);
  }
}

TEST_F(GradientCheckTest, BprStepIsTheBprLossGradient) {
  EmbeddingTable users = users_;
  EmbeddingTable items = items_;
  RegularizationScales scales(users, items);
  const TrainingContext context{hp_,   user_features_, item_features_, interactions_,
                                users, items,          scales};
  Worker worker(users.stride);
  const Adagrad schedule{kLearningRate};
  SgdStep<Adagrad, false> step(context, worker, schedule);

  const float weight = 0.8f;
  step.RepresentUser(0);
  step.RepresentItem(0, worker.positive.data());
  step.RepresentItem(1, worker.negative.data());
  const float difference =
      step.Predict(worker.positive.data()) - step.Predict(worker.negative.data());
  step.Pairwise(weight * (1.0f - Sigmoid(difference)), 0, 0, 1, worker.positive.data(),
                worker.negative.data());

  EmbeddingTable probe_users = users_;
  EmbeddingTable probe_items = items_;
  auto bpr_loss = [&] {
    const double x =
        Prediction(probe_users, probe_items, 0) - Prediction(probe_users, probe_items, 1);
    return weight * std::log1p(std::exp(-x));
  };
  // Item rows: embeddings and biases. The user's bias cancels in the difference (true gradient 0);
  // LightFM still moves it by `loss`, which shifts all of the user's scores equally, so only the
  // user's embedding is checked.
  ExpectStepIsGradient(bpr_loss, probe_items, items, 0, true);
  ExpectStepIsGradient(bpr_loss, probe_items, items, 1, true);
  ExpectStepIsGradient(bpr_loss, probe_users, users, 0, false);
}

}  // namespace
}  // namespace vitrina::trainer
