#include "trainer/dataset.h"

#include <cmath>

#include "fmt/format.h"

namespace vitrina::trainer {

absl::StatusOr<Interactions> Dataset::BuildInteractions(
    std::span<const Interaction> interactions) const {
  Interactions matrix;
  matrix.n_users = users_.n_entities();
  matrix.n_items = items_.n_entities();
  matrix.users.reserve(interactions.size());
  matrix.items.reserve(interactions.size());
  matrix.values.reserve(interactions.size());
  matrix.weights.reserve(interactions.size());
  for (const Interaction& interaction : interactions) {
    std::optional<int32_t> user = users_.ids().Find(interaction.user_id);
    if (!user) {
      return absl::InvalidArgumentError(
          fmt::format("user id {} is not in the dataset", interaction.user_id));
    }
    std::optional<int32_t> item = items_.ids().Find(interaction.item_id);
    if (!item) {
      return absl::InvalidArgumentError(
          fmt::format("item id {} is not in the dataset", interaction.item_id));
    }
    if (!std::isfinite(interaction.value) || !std::isfinite(interaction.weight)) {
      return absl::InvalidArgumentError(
          fmt::format("interaction ({}, {}) has a non-finite value or weight", interaction.user_id,
                      interaction.item_id));
    }
    matrix.Add(*user, *item, interaction.value, interaction.weight);
  }
  return matrix;
}

}  // namespace vitrina::trainer
