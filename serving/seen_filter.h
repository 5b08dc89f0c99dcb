#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "serving/candidate_filter.h"
#include "trainer/model.h"

namespace vitrina::serving {

// Rejects what the user already consumed, from three places: the model's consumed set (training
// snapshot, by model index), the snapshot's consumption of users outside the model (cold start),
// and the interactions recorded since the snapshot.
class SeenFilter final : public CandidateFilter {
 public:
  // `model_consumed` holds sorted indices into `model`; `cold_consumed` and `recent` sorted title
  // ids. The spans must outlive the filter.
  SeenFilter(const trainer::Model* model, std::span<const int32_t> model_consumed, std::span<const int64_t> cold_consumed,
             std::vector<int64_t> recent);

  // The seen titles of a user the model knows (`user` is its index).
  static SeenFilter ForModelUser(const trainer::Model& model, int32_t user, std::vector<int64_t> recent) {
    return SeenFilter(&model, model.ConsumedItems(user), {}, std::move(recent));
  }
  // The seen titles of a user outside the model.
  static SeenFilter ForColdUser(std::span<const int64_t> cold_consumed, std::vector<int64_t> recent) {
    return SeenFilter(nullptr, {}, cold_consumed, std::move(recent));
  }

  bool Rejects(int64_t title_id) const override;

 private:
  const trainer::Model* model_;
  std::span<const int32_t> model_consumed_;
  std::span<const int64_t> cold_consumed_;
  std::vector<int64_t> recent_;
};

}  // namespace vitrina::serving
