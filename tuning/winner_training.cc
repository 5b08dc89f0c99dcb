#include "tuning/winner_training.h"

#include <utility>

#include "common/status_macros.h"

namespace vitrina::tuning {

absl::StatusOr<TrainedWinner> TrainWinner(const SearchResult& search,
                                          const trainer::Dataset& dataset,
                                          const trainer::Interactions& train,
                                          trainer::FitOptions options,
                                          const KeepTraining& keep_going) {
  ASSIGN_OR_RETURN(trainer::Model model, trainer::Model::Create(search.winner));
  options.epochs = search.winner_epochs;
  int epochs_trained = 0;
  bool stopped = false;
  options.on_epoch = [&](const trainer::EpochReport& report) {
    epochs_trained = report.epoch + 1;
    stopped = keep_going && epochs_trained < report.epochs && !keep_going(report);
    return !stopped;
  };
  const absl::Status fitted = model.Fit(dataset, train, options);
  // Fit reports the stop keep_going asked for as a cancellation; the model is whole up to there.
  if (!fitted.ok() && !(stopped && absl::IsCancelled(fitted))) return fitted;
  return TrainedWinner{.model = std::move(model), .epochs = epochs_trained};
}

}  // namespace vitrina::tuning
