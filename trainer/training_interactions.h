#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "trainer/csr_matrix.h"
#include "trainer/interactions.h"

namespace vitrina::trainer {

// The training interactions grouped by user: what an epoch visits and LightFM's positives lookup
// in one structure (LightFM keeps the COO for the visit and a CSR copy for the lookup). Every
// interaction stays a sample of its own, duplicates of a (user, item) pair included, as in
// LightFM's COO; a user's items are sorted, so the lookup is a binary search in the user's row.
// Values and weights are stored only when some differ from 1 (implicit feedback: none do), so an
// interaction costs 4 bytes plus 8 per user.
struct TrainingInteractions {
  int32_t n_users = 0;
  int32_t n_items = 0;
  std::vector<int64_t> offsets{0};  // n_users + 1
  std::vector<int32_t> items;
  std::vector<float> values;   // empty when every value is 1
  std::vector<float> weights;  // empty when every weight is 1

  // Groups `interactions` (already validated) by user without an intermediate copy.
  static TrainingInteractions FromInteractions(const Interactions& interactions);

  int64_t size() const { return static_cast<int64_t>(items.size()); }
  float Value(int64_t entry) const { return values.empty() ? 1.0f : values[entry]; }
  float Weight(int64_t entry) const { return weights.empty() ? 1.0f : weights[entry]; }
  std::span<const int32_t> UserItems(int32_t user) const {
    return {items.data() + offsets[user], static_cast<size_t>(offsets[user + 1] - offsets[user])};
  }
  // LightFM's in_positives: whether the user has any interaction with `item`.
  bool Contains(int32_t user, int32_t item) const {
    return SortedRowContains(items.data() + offsets[user], offsets[user + 1] - offsets[user], item);
  }
  size_t Bytes() const {
    return offsets.size() * sizeof(int64_t) + items.size() * sizeof(int32_t) +
           (values.size() + weights.size()) * sizeof(float);
  }
};

}  // namespace vitrina::trainer
