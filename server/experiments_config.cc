#include "server/experiments_config.h"

#include <set>

#include "common/parse_number.h"
#include "common/status_macros.h"
#include "common/yaml_section.h"
#include "fmt/format.h"

namespace vitrina::server {
namespace {

using common::YamlSection;

absl::Status ReadLog(const YamlSection& section, ExposureLogConfig& log) {
  RETURN_IF_ERROR(section.RejectUnknownKeys(
      {"enabled", "dir", "flush_interval_ms", "max_file_mb", "max_file_age_seconds", "max_pending_records"}));
  RETURN_IF_ERROR(section.ReadBool("enabled", &log.enabled));
  RETURN_IF_ERROR(section.ReadString("dir", &log.dir));
  RETURN_IF_ERROR(section.ReadInt("flush_interval_ms", 1, 60'000, &log.flush_interval_ms));
  RETURN_IF_ERROR(section.ReadInt("max_file_mb", 1, 1 << 20, &log.max_file_mb));
  RETURN_IF_ERROR(section.ReadInt("max_file_age_seconds", 1, 30 * 86'400, &log.max_file_age_seconds));
  RETURN_IF_ERROR(section.ReadInt("max_pending_records", 1, 100'000'000, &log.max_pending_records));
  return absl::OkStatus();
}

// `model`: "active" (or absent) for the active model, else a registered model id.
absl::Status ReadArm(const YamlSection& section, experiments::ArmDefinition& arm) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"name", "weight", "model", "policy", "explore"}));
  RETURN_IF_ERROR(section.ReadString("name", &arm.name));
  arm.weight = 1;
  RETURN_IF_ERROR(section.ReadDouble("weight", &arm.weight));
  std::string model = "active";
  RETURN_IF_ERROR(section.ReadString("model", &model));
  if (model != "active") {
    std::optional<int64_t> id = common::ParseNumber<int64_t>(model);
    if (!id || *id <= 0) return section.Invalid("model", fmt::format("must be \"active\" or a model id, got '{}'", model));
    arm.model_id = *id;
  }
  RETURN_IF_ERROR(section.ReadString("policy", &arm.policy));
  RETURN_IF_ERROR(section.ReadBool("explore", &arm.explore));
  return absl::OkStatus();
}

absl::StatusOr<experiments::ExperimentDefinition> ReadDefinition(const YamlSection& section) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"name", "salt", "layer", "arms", "allow_list"}));
  experiments::ExperimentDefinition definition;
  RETURN_IF_ERROR(section.ReadString("name", &definition.name));
  RETURN_IF_ERROR(section.ReadString("salt", &definition.salt));
  RETURN_IF_ERROR(section.ReadString("layer", &definition.layer));
  const YAML::Node arms = section.node()["arms"];
  if (!arms || !arms.IsSequence()) {
    return section.Invalid("arms", "must be a list of arms ({name, weight, model, policy, explore}), control first");
  }
  for (size_t i = 0; i < arms.size(); ++i) {
    ASSIGN_OR_RETURN(YamlSection arm, YamlSection::Open(arms[i], fmt::format("{}.arms[{}]", section.path(), i)));
    RETURN_IF_ERROR(ReadArm(arm, definition.arms.emplace_back()));
  }
  ASSIGN_OR_RETURN(std::optional<YamlSection> allow_list, section.Child("allow_list"));
  if (allow_list) {
    for (const auto& entry : allow_list->node()) {
      const std::string user = entry.first.as<std::string>();
      std::optional<int64_t> id = common::ParseNumber<int64_t>(user);
      if (!id || *id < 0) return allow_list->Invalid(user, "keys are user ids (>= 0)");
      if (!entry.second.IsScalar()) return allow_list->Invalid(user, "must be an arm name");
      definition.allow_list[*id] = entry.second.as<std::string>();
    }
  }
  if (absl::Status valid = definition.Validate(); !valid.ok()) {
    return absl::InvalidArgumentError(fmt::format("{}: {}", section.path(), std::string(valid.message())));
  }
  return definition;
}

}  // namespace

absl::StatusOr<ExperimentsConfig> ExperimentsConfig::FromYaml(const YAML::Node& node) {
  ExperimentsConfig config;
  ASSIGN_OR_RETURN(YamlSection section, YamlSection::Open(node, "experiments"));
  RETURN_IF_ERROR(section.RejectUnknownKeys({"log", "definitions"}));
  ASSIGN_OR_RETURN(std::optional<YamlSection> log, section.Child("log"));
  if (log) RETURN_IF_ERROR(ReadLog(*log, config.log));
  const YAML::Node definitions = node ? node["definitions"] : YAML::Node();
  if (definitions && !definitions.IsNull()) {
    if (!definitions.IsSequence()) return section.Invalid("definitions", "must be a list of experiments");
    std::vector<experiments::ExperimentDefinition> accepted;
    for (size_t i = 0; i < definitions.size(); ++i) {
      ASSIGN_OR_RETURN(YamlSection entry,
                       YamlSection::Open(definitions[i], fmt::format("experiments.definitions[{}]", i)));
      ASSIGN_OR_RETURN(experiments::ExperimentDefinition definition, ReadDefinition(entry));
      // Overlaps are refused here already, not at the first request.
      if (absl::Status overlap = experiments::CheckNoOverlap(accepted, definition); !overlap.ok()) {
        return absl::InvalidArgumentError(fmt::format("experiments.definitions[{}]: {}", i, std::string(overlap.message())));
      }
      accepted.push_back(definition);
    }
    config.definitions = std::move(accepted);
  }
  return config;
}

}  // namespace vitrina::server
