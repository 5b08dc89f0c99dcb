#include "server/experiment_manager.h"

#include <algorithm>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "fmt/ranges.h"
#include "server/experiment_conversion.h"
#include "server/proto_conversion.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

absl::Status ExperimentManager::Validate(const experiments::ExperimentDefinition& definition) const {
  RETURN_IF_ERROR(definition.Validate());
  for (size_t i = 0; i < definition.arms.size(); ++i) {
    const std::string& name = definition.arms[i].policy;
    if (name.empty()) continue;
    if (absl::StatusOr<const sessions::NextTitlePolicy*> policy = policies_.Find(name); !policy.ok()) {
      return absl::InvalidArgumentError(fmt::format("arms[{}].policy: {}", i, std::string(policy.status().message())));
    }
  }
  return absl::OkStatus();
}

std::map<int64_t, std::shared_ptr<const ServedModel>> ExperimentManager::LoadedModels() const {
  std::map<int64_t, std::shared_ptr<const ServedModel>> loaded;
  for (const RunningExperiment& experiment : *running_.load(std::memory_order_acquire)) {
    for (const auto& model : experiment.arm_models) {
      if (model) loaded.emplace(model->model_id, model);
    }
  }
  return loaded;
}

absl::StatusOr<ExperimentManager::RunningExperiment> ExperimentManager::Prepare(
    const experiments::ExperimentDefinition& definition,
    std::map<int64_t, std::shared_ptr<const ServedModel>>& loaded) const {
  RETURN_IF_ERROR(Validate(definition));
  RunningExperiment running{.definition = definition, .arm_models = {}};
  for (size_t i = 0; i < definition.arms.size(); ++i) {
    const experiments::ArmDefinition& arm = definition.arms[i];
    if (arm.model_id == 0) {
      running.arm_models.push_back(nullptr);
      continue;
    }
    auto found = loaded.find(arm.model_id);
    if (found == loaded.end()) {
      std::shared_ptr<const ServedModel> model;
      if (std::shared_ptr<const ServedModel> active = holder_.Current(); active && active->model_id == arm.model_id) {
        model = std::move(active);
      } else {
        absl::StatusOr<registry::ModelRecord> record = registry_.Get(arm.model_id);
        if (!record.ok()) {
          return absl::Status(record.status().code(), fmt::format("arms[{}].model_id: {}", i, std::string(record.status().message())));
        }
        absl::StatusOr<std::shared_ptr<const ServedModel>> load = models_.Load(*record);
        if (!load.ok()) {
          return absl::FailedPreconditionError(
              fmt::format("arms[{}].model_id: {}", i, std::string(load.status().message())));
        }
        model = *std::move(load);
      }
      found = loaded.emplace(arm.model_id, std::move(model)).first;
    }
    running.arm_models.push_back(found->second);
  }
  return running;
}

void ExperimentManager::Publish(Snapshot next) {
  std::sort(next.begin(), next.end(), [](const RunningExperiment& a, const RunningExperiment& b) {
    return a.definition.name < b.definition.name;
  });
  running_.store(std::make_shared<const Snapshot>(std::move(next)), std::memory_order_release);
}

std::vector<experiments::ExperimentDefinition> ExperimentManager::RunningDefinitions() const {
  std::vector<experiments::ExperimentDefinition> definitions;
  for (const RunningExperiment& experiment : *running_.load(std::memory_order_acquire)) {
    definitions.push_back(experiment.definition);
  }
  return definitions;
}

absl::Status ExperimentManager::Start(const std::vector<experiments::ExperimentDefinition>& configured) {
  std::lock_guard lock(change_mutex_);
  for (const experiments::ExperimentDefinition& definition : configured) {
    const std::string wanted = ToJson(DefinitionProto(definition));
    absl::StatusOr<registry::ExperimentRecord> stored = store_.Get(definition.name);
    if (stored.ok()) {
      if (stored->definition_json != wanted) {
        return absl::InvalidArgumentError(fmt::format(
            "experiments.definitions: '{}' differs from the experiment of that name in the registry (created {}): "
            "a running experiment's definition never changes; give the new one another name",
            definition.name, stored->created_at));
      }
      continue;  // known; a stopped one stays stopped
    }
    if (stored.status().code() != absl::StatusCode::kNotFound) return stored.status();
    if (absl::Status valid = Validate(definition); !valid.ok()) {
      return absl::InvalidArgumentError(
          fmt::format("experiments.definitions: '{}': {}", definition.name, std::string(valid.message())));
    }
    RETURN_IF_ERROR(store_.Insert({.name = definition.name,
                                   .layer = definition.EffectiveLayer(),
                                   .running = true,
                                   .definition_json = wanted,
                                   .created_at = registry::UnixNow(),
                                   .stopped_at = std::nullopt}));
    spdlog::info("experiment {} created from the config", definition.name);
  }
  ASSIGN_OR_RETURN(std::vector<registry::ExperimentRecord> records, store_.List());
  Snapshot next;
  std::map<int64_t, std::shared_ptr<const ServedModel>> loaded;
  std::vector<experiments::ExperimentDefinition> accepted;
  for (const registry::ExperimentRecord& record : records) {
    if (!record.running) continue;
    absl::StatusOr<experiments::ExperimentDefinition> definition = DefinitionOf(record);
    absl::StatusOr<RunningExperiment> prepared =
        definition.ok() ? Prepare(*definition, loaded) : absl::StatusOr<RunningExperiment>(definition.status());
    if (prepared.ok()) {
      if (absl::Status overlap = experiments::CheckNoOverlap(accepted, prepared->definition); !overlap.ok()) {
        prepared = overlap;
      }
    }
    if (!prepared.ok()) {
      spdlog::error("experiment {} is running but cannot be served (its users get the default answers until it is "
                    "stopped and recreated): {}",
                    record.name, std::string(prepared.status().message()));
      continue;
    }
    accepted.push_back(prepared->definition);
    next.push_back(*std::move(prepared));
    spdlog::info("experiment {} running ({} arms)", record.name, next.back().definition.arms.size());
  }
  Publish(std::move(next));
  return absl::OkStatus();
}

absl::Status ExperimentManager::Mirror(const std::vector<v1::Experiment>& running) {
  std::lock_guard lock(change_mutex_);
  std::vector<std::string> problems;
  std::map<std::string, experiments::ExperimentDefinition> wanted;
  std::map<std::string, registry::UnixSeconds> created_at;
  for (const v1::Experiment& experiment : running) {
    absl::StatusOr<experiments::ExperimentDefinition> definition = FromProto(experiment);
    if (!definition.ok()) {
      problems.push_back(fmt::format("'{}': {}", experiment.name(), std::string(definition.status().message())));
      continue;
    }
    created_at[definition->name] = experiment.created_at().seconds();
    wanted.emplace(definition->name, *std::move(definition));
  }
  // Stopped first: a new experiment may take the layer of one the primary stopped.
  ASSIGN_OR_RETURN(std::vector<registry::ExperimentRecord> records, store_.List());
  for (const registry::ExperimentRecord& record : records) {
    if (record.running && !wanted.contains(record.name)) {
      RETURN_IF_ERROR(store_.Stop(record.name, registry::UnixNow()).status());
      spdlog::info("experiment {} stopped (the primary stopped it)", record.name);
    }
  }
  Snapshot next;
  std::map<int64_t, std::shared_ptr<const ServedModel>> loaded = LoadedModels();
  std::vector<experiments::ExperimentDefinition> accepted;
  for (const auto& [name, definition] : wanted) {
    const std::string definition_json = ToJson(DefinitionProto(definition));
    absl::StatusOr<registry::ExperimentRecord> stored = store_.Get(name);
    absl::Status usable = absl::OkStatus();
    if (stored.ok() && (!stored->running || stored->definition_json != definition_json)) {
      usable = absl::FailedPreconditionError(
          "this replica's registry holds another experiment of that name (was this data_dir another primary's?)");
    } else if (!stored.ok() && !absl::IsNotFound(stored.status())) {
      usable = stored.status();
    }
    absl::StatusOr<RunningExperiment> prepared =
        usable.ok() ? Prepare(definition, loaded) : absl::StatusOr<RunningExperiment>(usable);
    if (prepared.ok()) {
      if (absl::Status overlap = experiments::CheckNoOverlap(accepted, definition); !overlap.ok()) prepared = overlap;
    }
    if (prepared.ok() && !stored.ok()) {
      absl::Status inserted = store_.Insert({.name = name,
                                             .layer = definition.EffectiveLayer(),
                                             .running = true,
                                             .definition_json = definition_json,
                                             .created_at = created_at[name],
                                             .stopped_at = std::nullopt});
      if (!inserted.ok()) prepared = inserted;
    }
    if (!prepared.ok()) {
      problems.push_back(fmt::format("'{}': {}", name, std::string(prepared.status().message())));
      continue;
    }
    accepted.push_back(definition);
    next.push_back(*std::move(prepared));
  }
  const size_t serving = next.size();
  Publish(std::move(next));
  if (!problems.empty()) {
    return absl::FailedPreconditionError(fmt::format("{} of the primary's {} running experiments cannot serve here "
                                                     "(their users get the default answers): {}",
                                                     problems.size(), running.size(), fmt::join(problems, "; ")));
  }
  spdlog::info("replica: {} experiments running, as on the primary", serving);
  return absl::OkStatus();
}

absl::StatusOr<v1::Experiment> ExperimentManager::Create(const v1::Experiment& request) {
  ASSIGN_OR_RETURN(experiments::ExperimentDefinition definition, FromProto(request));
  RETURN_IF_ERROR(Validate(definition));
  std::lock_guard lock(change_mutex_);
  if (absl::StatusOr<registry::ExperimentRecord> stored = store_.Get(definition.name); stored.ok()) {
    return absl::AlreadyExistsError(fmt::format("experiment '{}' exists already ({}): names are never reused",
                                                definition.name, stored->running ? "running" : "stopped"));
  }
  RETURN_IF_ERROR(experiments::CheckNoOverlap(RunningDefinitions(), definition));
  std::map<int64_t, std::shared_ptr<const ServedModel>> loaded = LoadedModels();
  ASSIGN_OR_RETURN(RunningExperiment prepared, Prepare(definition, loaded));
  registry::ExperimentRecord record{.name = definition.name,
                                    .layer = definition.EffectiveLayer(),
                                    .running = true,
                                    .definition_json = ToJson(DefinitionProto(definition)),
                                    .created_at = registry::UnixNow(),
                                    .stopped_at = std::nullopt};
  // Under the activation lock: a model deleted while it loaded is refused here, and none can be
  // deleted between this check and the experiment serving it.
  RETURN_IF_ERROR(models_.Exclusive([&]() -> absl::Status {
    for (const auto& model : prepared.arm_models) {
      if (model == nullptr) continue;
      ASSIGN_OR_RETURN(registry::ModelRecord current, registry_.Get(model->model_id));
      if (current.status == registry::ModelStatus::kDeleted) {
        return registry::DeletedModelError(current.id, current.deleted_at);
      }
    }
    RETURN_IF_ERROR(store_.Insert(record));
    Snapshot next = *running_.load(std::memory_order_acquire);
    next.push_back(std::move(prepared));
    Publish(std::move(next));
    return absl::OkStatus();
  }));
  spdlog::info("experiment {} created ({} arms)", definition.name, definition.arms.size());
  return ToProto(record);
}

absl::StatusOr<v1::Experiment> ExperimentManager::Stop(const std::string& name) {
  std::lock_guard lock(change_mutex_);
  ASSIGN_OR_RETURN(registry::ExperimentRecord record, store_.Stop(name, registry::UnixNow()));
  Snapshot next = *running_.load(std::memory_order_acquire);
  std::erase_if(next, [&](const RunningExperiment& experiment) { return experiment.definition.name == name; });
  Publish(std::move(next));
  spdlog::info("experiment {} stopped", name);
  return ToProto(record);
}

absl::StatusOr<v1::Experiment> ExperimentManager::Get(const std::string& name) const {
  ASSIGN_OR_RETURN(registry::ExperimentRecord record, store_.Get(name));
  return ToProto(record);
}

absl::StatusOr<std::vector<v1::Experiment>> ExperimentManager::List() const {
  ASSIGN_OR_RETURN(std::vector<registry::ExperimentRecord> records, store_.List());
  std::vector<v1::Experiment> experiments;
  for (const registry::ExperimentRecord& record : records) {
    ASSIGN_OR_RETURN(v1::Experiment experiment, ToProto(record));
    experiments.push_back(std::move(experiment));
  }
  return experiments;
}

CallArms ExperimentManager::Route(int64_t user_id) const {
  CallArms call;
  std::shared_ptr<const Snapshot> running = running_.load(std::memory_order_acquire);
  for (const RunningExperiment& experiment : *running) {
    const experiments::ExperimentDefinition& definition = experiment.definition;
    const size_t index = definition.ArmOf(user_id);
    const experiments::ArmDefinition& arm = definition.arms[index];
    v1::ArmAssignment& assignment = call.assignments.emplace_back();
    assignment.set_experiment(definition.name);
    assignment.set_arm(arm.name);
    assignment.set_arm_weight(arm.weight);
    assignment.set_control(index == 0);
    // CheckNoOverlap lets one experiment at most vary each of these.
    if (experiment.arm_models[index]) call.model = experiment.arm_models[index];
    if (!arm.policy.empty()) call.policy = arm.policy;
    call.explore = call.explore || arm.explore;
  }
  return call;
}

std::optional<std::string> ExperimentManager::ModelInUse(int64_t model_id) const {
  for (const RunningExperiment& experiment : *running_.load(std::memory_order_acquire)) {
    for (size_t i = 0; i < experiment.arm_models.size(); ++i) {
      if (experiment.arm_models[i] && experiment.arm_models[i]->model_id == model_id) {
        return fmt::format("experiment '{}' (arm '{}')", experiment.definition.name, experiment.definition.arms[i].name);
      }
    }
  }
  return std::nullopt;
}

}  // namespace vitrina::server
