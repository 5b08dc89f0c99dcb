#pragma once

#include <algorithm>
#include <cstdint>

#include "trainer/lanes.h"
#include "trainer/training_context.h"
#include "trainer/worker.h"

namespace vitrina::trainer {

// The building blocks every loss shares: representations (LightFM's compute_representation) and
// the gradient steps (LightFM's update and warp_update), for one worker.
template <class Schedule, bool kRegularized>
class SgdStep {
 public:
  SgdStep(const TrainingContext& context, Worker& worker, const Schedule& schedule)
      : context_(context),
        worker_(worker),
        schedule_(schedule),
        stride_(context.users.stride),
        bias_lane_(context.users.bias_lane()),
        users_are_identity_(context.user_features.IsIdentity()),
        items_are_identity_(context.item_features.IsIdentity()) {}

  // Starts loading the first feature row (weights and accumulators) of a later sample's user and
  // item, so that the random reads overlap with this sample's arithmetic.
  void Prefetch(const Sample& sample) const {
    PrefetchFirstRow(context_.user_features, context_.users, users_are_identity_, sample.user,
                     true);
    PrefetchFirstRow(context_.item_features, context_.items, items_are_identity_, sample.item,
                     true);
  }

  // Starts loading the weights of an item about to be scored.
  void PrefetchItemWeights(int32_t item) const {
    PrefetchFirstRow(context_.item_features, context_.items, items_are_identity_, item, false);
  }

  // Starts loading the accumulators of an item about to be updated (its weights were scored).
  void PrefetchItemAccumulators(int32_t item) const {
    int32_t feature = item;
    if (!items_are_identity_) {
      const int64_t begin = context_.item_features.offsets[item];
      if (begin == context_.item_features.offsets[item + 1]) return;
      feature = context_.item_features.indices[begin];
    }
    const float* accumulators = context_.items.GradientRow(feature);
    for (int offset = 0; offset < stride_; offset += 64 / sizeof(float)) {
      __builtin_prefetch(accumulators + offset, 1);
    }
  }

  // Fills worker.user_direction and worker.user_bias for `user`.
  void RepresentUser(int32_t user) {
    Represent(context_.user_features, context_.users, users_are_identity_, user,
              worker_.scales.user(), worker_.user_direction.data());
    worker_.user_bias = worker_.user_direction[bias_lane_];
    worker_.user_direction[bias_lane_] = 1.0f;
  }

  // out = sum over the item's features of weight * scale * row: [embedding, bias, padding].
  void RepresentItem(int32_t item, float* out) {
    Represent(context_.item_features, context_.items, items_are_identity_, item,
              worker_.scales.item(), out);
  }

  // The prediction for the current user and an item representation.
  float Predict(const float* item_representation) const {
    return Dot(worker_.user_direction.data(), item_representation, stride_) + worker_.user_bias;
  }

  // The prediction for the current user and `item`. An item with a single feature is scored
  // straight from that feature's row; otherwise its representation is built in `scratch`.
  // Returns whether `scratch` now holds the representation.
  bool PredictItem(int32_t item, float* scratch, float* prediction) {
    if (items_are_identity_) {
      *prediction = static_cast<float>(worker_.scales.item()) *
                        Dot(worker_.user_direction.data(), context_.items.Row(item), stride_) +
                    worker_.user_bias;
      return false;
    }
    const CsrMatrix& features = context_.item_features;
    const int64_t begin = features.offsets[item];
    if (features.offsets[item + 1] - begin == 1) {
      const double weight = features.values[begin] * worker_.scales.item();
      const float* row = context_.items.Row(features.indices[begin]);
      *prediction = static_cast<float>(weight) * Dot(worker_.user_direction.data(), row, stride_) +
                    worker_.user_bias;
      return false;
    }
    RepresentItem(item, scratch);
    *prediction = Predict(scratch);
    return true;
  }

  // LightFM's `update`: the item moves along the user representation, the user along the item's,
  // both biases by `loss` (the derivative of the loss with respect to the prediction).
  void Pointwise(float loss, int32_t user, int32_t item, const float* item_representation) {
    float* user_gradient_direction = worker_.direction.data();
    std::copy_n(item_representation, stride_, user_gradient_direction);
    user_gradient_direction[bias_lane_] = 1.0f;
    double rate_sum =
        UpdateEntity(context_.item_features, context_.items, item, worker_.user_direction.data(),
                     loss, context_.hyperparameters.item_alpha);
    rate_sum += UpdateEntity(context_.user_features, context_.users, user, user_gradient_direction,
                             loss, context_.hyperparameters.user_alpha);
    FinishUpdate(rate_sum,
                 context_.user_features.RowSize(user) + context_.item_features.RowSize(item));
  }

  // LightFM's `warp_update`, also used by BPR: the positive moves along -loss * user, the negative
  // along +loss * user, the user along loss * (negative - positive). The user's bias also gets
  // +loss although it cancels in the pairwise difference: LightFM does this, and it shifts all of
  // one user's scores equally, so rankings are unaffected. The user's update comes between the
  // items' (the negative's rows, most likely still on their way from memory, go last): it is in
  // the other table and every direction is computed before anything moves, so this changes no
  // value.
  void Pairwise(float loss, int32_t user, int32_t positive, int32_t negative,
                const float* positive_representation, const float* negative_representation) {
    float* user_gradient_direction = worker_.direction.data();
    Difference(negative_representation, positive_representation, user_gradient_direction, stride_);
    user_gradient_direction[bias_lane_] = 1.0f;
    const float item_alpha = context_.hyperparameters.item_alpha;
    double rate_sum = UpdateEntity(context_.item_features, context_.items, positive,
                                   worker_.user_direction.data(), -loss, item_alpha);
    rate_sum += UpdateEntity(context_.user_features, context_.users, user, user_gradient_direction,
                             loss, context_.hyperparameters.user_alpha);
    rate_sum += UpdateEntity(context_.item_features, context_.items, negative,
                             worker_.user_direction.data(), loss, item_alpha);
    FinishUpdate(rate_sum, context_.user_features.RowSize(user) +
                               context_.item_features.RowSize(positive) +
                               context_.item_features.RowSize(negative));
  }

 private:
  void PrefetchFirstRow(const CsrMatrix& features, EmbeddingTable& table, bool identity,
                        int32_t entity, bool with_accumulators) const {
    int32_t feature = entity;
    if (!identity) {
      const int64_t begin = features.offsets[entity];
      if (begin == features.offsets[entity + 1]) return;
      feature = features.indices[begin];
    }
    const float* weights = table.Row(feature);
    const float* accumulators = table.GradientRow(feature);
    for (int offset = 0; offset < stride_; offset += 64 / sizeof(float)) {
      __builtin_prefetch(weights + offset);
      if (with_accumulators) __builtin_prefetch(accumulators + offset);
    }
  }

  void Represent(const CsrMatrix& features, const EmbeddingTable& table, bool identity,
                 int32_t entity, double scale, float* out) const {
    if (identity) {
      ScaledCopy(table.Row(entity), static_cast<float>(scale), out, stride_);
      return;
    }
    const int64_t begin = features.offsets[entity];
    const int64_t end = features.offsets[entity + 1];
    if (end - begin == 1) {
      ScaledCopy(table.Row(features.indices[begin]),
                 static_cast<float>(features.values[begin] * scale), out, stride_);
      return;
    }
    Fill(0.0f, out, stride_);
    for (int64_t i = begin; i < end; ++i) {
      AddScaled(table.Row(features.indices[i]), static_cast<float>(features.values[i] * scale), out,
                stride_);
    }
  }

  // Applies the schedule to every feature row of `entity`; returns the sum of local rates
  // (only computed when regularising).
  double UpdateEntity(const CsrMatrix& features, EmbeddingTable& table, int32_t entity,
                      const float* direction, float loss, float alpha) {
    double rate_sum = 0;
    for (int64_t i = features.offsets[entity]; i < features.offsets[entity + 1]; ++i) {
      const int32_t feature = features.indices[i];
      rate_sum += schedule_.template Apply<kRegularized>(
          table.Row(feature), table.GradientRow(feature), table.UpdateRow(feature), direction,
          loss * features.values[i], alpha, bias_lane_, stride_);
    }
    return rate_sum;
  }

  void FinishUpdate(double rate_sum, int64_t feature_rows) {
    if constexpr (kRegularized) {
      if (feature_rows == 0) return;  // an entity without features has nothing to regularise
      const double mean_rate = rate_sum / static_cast<double>((bias_lane_ + 1) * feature_rows);
      worker_.scales.Grow(1.0 + context_.hyperparameters.user_alpha * mean_rate,
                          1.0 + context_.hyperparameters.item_alpha * mean_rate, context_.scales);
    }
  }

  const TrainingContext& context_;
  Worker& worker_;
  const Schedule& schedule_;
  const int stride_;
  const int bias_lane_;
  // Without side features an entity is its own row: no lookups in the feature matrix.
  const bool users_are_identity_;
  const bool items_are_identity_;
};

}  // namespace vitrina::trainer
