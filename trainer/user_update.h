#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "trainer/serving_index.h"
#include "trainer/user_update_options.h"

namespace vitrina::trainer {

// A user's serving row ([embedding, 1, user bias], ServingIndex::users() layout) moved so that
// `positives` (item indices, sorted and unique) rank above other titles: BPR steps on the
// embedding alone against uniformly sampled negatives, the item rows frozen. Starts from
// `prior_row` (the trained row, or a cold-start row) and is pulled back towards it, so a few
// titles bend the user's taste rather than replace it. The same inputs and `seed` give the same
// row. Cost: epochs x |positives| x negatives dot products, independent of the catalog size.
//
// Why BPR steps and not a closed-form least-squares fold-in: the served models are trained with
// ranking losses (WARP, BPR), whose scores have no calibrated scale, so a regression to 0/1
// targets must guess that scale (and the item biases then dominate); a pairwise step only needs
// positives to outrank negatives, the criterion the model itself was trained on.
std::vector<float> UpdatedUserRow(const ServingIndex::RowMatrix& items, std::span<const float> prior_row,
                                  std::span<const int32_t> positives, uint64_t seed, const UserUpdateOptions& options);

}  // namespace vitrina::trainer
