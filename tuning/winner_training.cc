#include "tuning/winner_training.h"

#include "common/status_macros.h"

namespace vitrina::tuning {

absl::StatusOr<trainer::Model> TrainWinner(const SearchResult& search,
                                           const trainer::Dataset& dataset,
                                           const trainer::Interactions& train,
                                           trainer::FitOptions options) {
  ASSIGN_OR_RETURN(trainer::Model model, trainer::Model::Create(search.winner));
  options.epochs = search.winner_epochs;
  RETURN_IF_ERROR(model.Fit(dataset, train, options));
  return model;
}

}  // namespace vitrina::tuning
