#include "trainer/train_test_set.h"

#include <vector>

#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::trainer {
namespace {

absl::StatusOr<std::vector<Interaction>> ToInteractions(std::span<const TripletRow> rows,
                                                        const TrainTestOptions& options) {
  std::vector<Interaction> interactions;
  interactions.reserve(rows.size());
  for (const TripletRow& row : rows) {
    if ((options.min_rating || options.value_is_weight) && !row.value) {
      return absl::InvalidArgumentError(fmt::format(
          "row (user {}, item {}) has no value column, needed by --min-rating / --weights",
          row.user_id, row.item_id));
    }
    Interaction interaction{row.user_id, row.item_id, 1.0f, 1.0f};
    if (options.min_rating) {
      if (*row.value < *options.min_rating) continue;
      interaction.value = *row.value;
    }
    if (options.value_is_weight) interaction.weight = *row.value;
    interactions.push_back(interaction);
  }
  return interactions;
}

}  // namespace

absl::StatusOr<TrainTestSet> BuildTrainTestSet(std::span<const TripletRow> train_rows,
                                               std::span<const TripletRow> test_rows,
                                               const TrainTestOptions& options) {
  TrainTestSet set;
  for (std::span<const TripletRow> rows : {train_rows, test_rows}) {
    for (const TripletRow& row : rows) {
      set.dataset.users().AddEntity(row.user_id);
      set.dataset.items().AddEntity(row.item_id);
    }
  }
  ASSIGN_OR_RETURN(const std::vector<Interaction> train, ToInteractions(train_rows, options));
  ASSIGN_OR_RETURN(const std::vector<Interaction> test, ToInteractions(test_rows, options));
  ASSIGN_OR_RETURN(set.train, set.dataset.BuildInteractions(train));
  ASSIGN_OR_RETURN(set.test, set.dataset.BuildInteractions(test));
  return set;
}

}  // namespace vitrina::trainer
