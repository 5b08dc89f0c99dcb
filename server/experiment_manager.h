#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/experiment_definition.h"
#include "registry/experiment_store.h"
#include "registry/model_registry.h"
#include "server/model_manager.h"
#include "server/served_model.h"
#include "sessions/policy_set.h"
#include "vitrina/v1/admin.pb.h"
#include "vitrina/v1/exposure.pb.h"

namespace vitrina::server {

// What the running experiments decide for one user's call.
struct CallArms {
  // The personal model answering; null: the active one (outside experiments, or an arm that
  // follows activations).
  std::shared_ptr<const ServedModel> model;
  std::string policy;    // next-title policy; empty: the request's
  bool explore = false;  // GetUserRecommendations: one random pick
  std::vector<v1::ArmAssignment> assignments;  // one per running experiment, in name order
};

// The running experiments and the models their arms serve. Each model an arm names is loaded
// once however many arms name it (the active model's instance is reused when it is that one);
// arms naming "active" (model 0) read the ModelHolder on every call, so an activation moves them
// and only them. A model an arm serves cannot be deleted (ModelManager asks ModelInUse).
// Experiments live in the registry (migration 8); those of the config are created there at
// start. Readers take an immutable snapshot without locking; changes are serialized.
class ExperimentManager {
 public:
  ExperimentManager(registry::ExperimentStore& store, registry::ModelRegistry& registry, ModelManager& models,
                    const ModelHolder& holder, const sessions::PolicySet& policies)
      : store_(store), registry_(registry), models_(models), holder_(holder), policies_(policies) {}

  // Creates the configured experiments the registry does not know (a configured experiment
  // whose name the registry holds with another definition is an InvalidArgument: rename it),
  // then serves every running one. A running experiment whose model no longer loads is left
  // out, logged (its users get the default answers).
  absl::Status Start(const std::vector<experiments::ExperimentDefinition>& configured);

  // A read replica runs its primary's experiments: `running` (every experiment running there, as
  // the primary lists them) becomes this registry's and serves; running ones the primary no
  // longer lists are stopped. The arms' models must be in the registry already (the replica
  // fetches them first). What cannot serve here (another definition under the name, a policy
  // this instance lacks, a model that does not load) is left out and named in the error; the
  // rest serves.
  absl::Status Mirror(const std::vector<v1::Experiment>& running);

  absl::StatusOr<v1::Experiment> Create(const v1::Experiment& request);
  absl::StatusOr<v1::Experiment> Stop(const std::string& name);
  absl::StatusOr<v1::Experiment> Get(const std::string& name) const;
  absl::StatusOr<std::vector<v1::Experiment>> List() const;

  // The arms of `user_id` in every running experiment. Lock-free.
  CallArms Route(int64_t user_id) const;

  // "experiment 'x' (arm 'y')" when a running experiment's arm serves the model.
  std::optional<std::string> ModelInUse(int64_t model_id) const;

 private:
  struct RunningExperiment {
    experiments::ExperimentDefinition definition;
    std::vector<std::shared_ptr<const ServedModel>> arm_models;  // null: the active model
  };
  using Snapshot = std::vector<RunningExperiment>;  // sorted by name

  // The definition's own checks, and its arms' policies exist.
  absl::Status Validate(const experiments::ExperimentDefinition& definition) const;
  // Loads what `definition` needs (reusing `loaded` models) and checks its policies.
  absl::StatusOr<RunningExperiment> Prepare(const experiments::ExperimentDefinition& definition,
                                            std::map<int64_t, std::shared_ptr<const ServedModel>>& loaded) const;
  std::map<int64_t, std::shared_ptr<const ServedModel>> LoadedModels() const;
  void Publish(Snapshot next);
  std::vector<experiments::ExperimentDefinition> RunningDefinitions() const;

  registry::ExperimentStore& store_;
  registry::ModelRegistry& registry_;
  ModelManager& models_;
  const ModelHolder& holder_;
  const sessions::PolicySet& policies_;
  std::mutex change_mutex_;
  std::atomic<std::shared_ptr<const Snapshot>> running_{std::make_shared<const Snapshot>()};
};

}  // namespace vitrina::server
