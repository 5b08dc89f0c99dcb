#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "experiments/experiment_definition.h"
#include "registry/experiment_store.h"
#include "vitrina/v1/admin.pb.h"

namespace vitrina::server {

// The API's experiment as a definition. InvalidArgument for a user pinned twice in the
// allow-list; the rest is checked by ExperimentDefinition::Validate.
absl::StatusOr<experiments::ExperimentDefinition> FromProto(const v1::Experiment& experiment);

// The definition's fields only (no state, no times): what the registry stores as JSON and what a
// configured experiment is compared with.
v1::Experiment DefinitionProto(const experiments::ExperimentDefinition& definition);

// A stored experiment as the API shows it. DataLoss when its stored JSON does not parse.
absl::StatusOr<v1::Experiment> ToProto(const registry::ExperimentRecord& record);
absl::StatusOr<experiments::ExperimentDefinition> DefinitionOf(const registry::ExperimentRecord& record);

}  // namespace vitrina::server
