#include "server/experiment_conversion.h"

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/proto_conversion.h"

namespace vitrina::server {

absl::StatusOr<experiments::ExperimentDefinition> FromProto(const v1::Experiment& experiment) {
  experiments::ExperimentDefinition definition;
  definition.name = experiment.name();
  definition.salt = experiment.salt();
  definition.layer = experiment.layer();
  for (const v1::Arm& arm : experiment.arms()) {
    definition.arms.push_back({.name = arm.name(),
                               .weight = arm.weight(),
                               .model_id = arm.model_id(),
                               .policy = arm.policy(),
                               .explore = arm.explore()});
  }
  for (const v1::AllowListEntry& entry : experiment.allow_list()) {
    if (!definition.allow_list.emplace(entry.user_id(), entry.arm()).second) {
      return absl::InvalidArgumentError(fmt::format("allow_list: user {} is listed twice", entry.user_id()));
    }
  }
  return definition;
}

v1::Experiment DefinitionProto(const experiments::ExperimentDefinition& definition) {
  v1::Experiment experiment;
  experiment.set_name(definition.name);
  experiment.set_salt(definition.salt);
  experiment.set_layer(definition.layer);
  for (const experiments::ArmDefinition& arm : definition.arms) {
    v1::Arm* out = experiment.add_arms();
    out->set_name(arm.name);
    out->set_weight(arm.weight);
    out->set_model_id(arm.model_id);
    out->set_policy(arm.policy);
    out->set_explore(arm.explore);
  }
  for (const auto& [user, arm] : definition.allow_list) {
    v1::AllowListEntry* entry = experiment.add_allow_list();
    entry->set_user_id(user);
    entry->set_arm(arm);
  }
  return experiment;
}

absl::StatusOr<v1::Experiment> ToProto(const registry::ExperimentRecord& record) {
  v1::Experiment experiment;
  if (absl::Status parsed = FromJson(record.definition_json, &experiment); !parsed.ok()) {
    return absl::DataLossError(fmt::format("experiment {}: stored definition does not parse: {}", record.name,
                                           std::string(parsed.message())));
  }
  experiment.set_state(record.running ? v1::Experiment::RUNNING : v1::Experiment::STOPPED);
  *experiment.mutable_created_at() = ToTimestamp(record.created_at);
  if (record.stopped_at) *experiment.mutable_stopped_at() = ToTimestamp(*record.stopped_at);
  return experiment;
}

absl::StatusOr<experiments::ExperimentDefinition> DefinitionOf(const registry::ExperimentRecord& record) {
  ASSIGN_OR_RETURN(v1::Experiment experiment, ToProto(record));
  return FromProto(experiment);
}

}  // namespace vitrina::server
