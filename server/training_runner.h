#pragma once

#include <functional>

#include "absl/status/statusor.h"
#include "blacklist/blacklist_manager.h"
#include "registry/hot_interaction_store.h"
#include "registry/job.h"
#include "registry/model_registry.h"
#include "registry/search_trial_store.h"
#include "server/model_manager.h"
#include "server/server_config.h"
#include "vitrina/v1/common.pb.h"

namespace vitrina::server {

struct TrainingOutcome {
  registry::ModelRecord model;
  v1::Metrics metrics;
  bool activated = false;
};

// Runs one training job end to end: read and prepare the data, fit (fresh, or fit_partial of the
// active model for incremental jobs, or, for a search job, a hyperparameter search on the training
// part whose winner is then fitted), evaluate on a held-out split, write the model file
// atomically, register it, and apply the activation policy (IF_BETTER: only when its precision@k
// is not below the active model's). Any failure leaves the served model as it was.
class TrainingRunner {
 public:
  TrainingRunner(const ServerConfig& config, registry::ModelRegistry& registry,
                 registry::HotInteractionStore& hot_interactions, ModelManager& models, const ModelHolder& holder,
                 const blacklist::BlacklistManager& blacklist, registry::SearchTrialStore& search_trials)
      : config_(config), registry_(registry), hot_interactions_(hot_interactions), models_(models), holder_(holder),
        blacklist_(blacklist), search_trials_(search_trials) {}

  // `on_epoch(done, epochs)` reports progress (a search reports its measurements, then the
  // winner's epochs); returning false cancels (CancelledError).
  using Progress = std::function<bool(int epochs_done, int epochs)>;
  absl::StatusOr<TrainingOutcome> Run(const registry::JobRecord& job, const Progress& on_epoch) const;

 private:
  // NEXT_TITLE jobs (server/next_title_training.cc): transitions between consecutive titles of
  // each user's sessions, a fresh fit with previous titles as users, hit rate@k and MRR of the
  // held-out next titles, registered with role next_title and gated on its own hit rate.
  absl::StatusOr<TrainingOutcome> RunNextTitle(const registry::JobRecord& job, const v1::TrainingParams& params,
                                               const Progress& on_epoch) const;
  // The configured defaults; for a nightly full training with training.nightly_uses_search_winner,
  // those of the newest model a search produced (among the newest 100), when there is one.
  absl::StatusOr<v1::TrainingParams> Defaults(const registry::JobRecord& job) const;

  const ServerConfig& config_;
  registry::ModelRegistry& registry_;
  registry::HotInteractionStore& hot_interactions_;
  ModelManager& models_;
  const ModelHolder& holder_;
  const blacklist::BlacklistManager& blacklist_;
  registry::SearchTrialStore& search_trials_;
};

}  // namespace vitrina::server
