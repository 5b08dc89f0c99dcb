#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "trainer/csr_matrix.h"

namespace vitrina::trainer {

// The training input in LightFM's shape: a COO matrix of user-item interactions (value: its sign
// matters to logistic, WARP and BPR train on value > 0 only) and the sample weight of each entry.
struct Interactions {
  int32_t n_users = 0;
  int32_t n_items = 0;
  std::vector<int32_t> users;
  std::vector<int32_t> items;
  std::vector<float> values;
  std::vector<float> weights;

  size_t size() const { return users.size(); }
  void Add(int32_t user, int32_t item, float value, float weight = 1.0f);

  // Equal lengths, indices inside the shape, finite values and weights.
  absl::Status Validate() const;
  // Row per user, the entry values summed over duplicates (scipy's tocsr()).
  CsrMatrix ToCsr() const;
};

}  // namespace vitrina::trainer
