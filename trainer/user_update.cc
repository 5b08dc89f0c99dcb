#include "trainer/user_update.h"

#include <algorithm>
#include <cmath>

#include "trainer/random.h"

namespace vitrina::trainer {

std::vector<float> UpdatedUserRow(const ServingIndex::RowMatrix& items, std::span<const float> prior_row,
                                  std::span<const int32_t> positives, uint64_t seed, const UserUpdateOptions& options) {
  std::vector<float> row(prior_row.begin(), prior_row.end());
  const auto n_items = static_cast<uint32_t>(items.rows());
  if (positives.empty() || n_items < 2 || static_cast<Eigen::Index>(row.size()) != items.cols()) return row;
  const Eigen::Index d = items.cols() - 2;  // the last two columns are the bias terms
  Eigen::Map<Eigen::RowVectorXf> user(row.data(), items.cols());
  const Eigen::Map<const Eigen::RowVectorXf> prior(prior_row.data(), items.cols());
  Pcg32 rng(seed, 0x5eed);
  Eigen::RowVectorXf difference(items.cols());
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    for (int32_t positive : positives) {
      for (int s = 0; s < options.negatives; ++s) {
        const auto negative = static_cast<int32_t>(rng.Below(n_items));
        if (std::binary_search(positives.begin(), positives.end(), negative)) continue;
        // The whole row's dot product: the item-bias difference is part of the margin to beat.
        difference.noalias() = items.row(positive) - items.row(negative);
        const float weight = 1.0f / (1.0f + std::exp(user.dot(difference)));  // sigmoid(-margin)
        user.head(d) += options.learning_rate *
                        (weight * difference.head(d) - options.regularization * (user.head(d) - prior.head(d)));
      }
    }
  }
  return row;
}

}  // namespace vitrina::trainer
