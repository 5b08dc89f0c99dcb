#include "data/preparation_config.h"

#include <cmath>
#include <limits>

#include "common/status_macros.h"
#include "common/yaml_section.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

constexpr int kMaxInt = std::numeric_limits<int>::max();

absl::StatusOr<InteractionRule> RuleFromYaml(const common::YamlSection& section) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"weight", "min_value", "scale_by_value"}));
  InteractionRule rule;
  if (section.Has("weight")) {
    double weight = 0;
    RETURN_IF_ERROR(section.ReadDouble("weight", &weight));
    if (!(weight > 0) || !std::isfinite(weight)) {
      return section.Invalid("weight", fmt::format("must be a positive number, got {}", weight));
    }
    rule.weight = weight;
  }
  if (section.Has("min_value")) {
    double min_value = 0;
    RETURN_IF_ERROR(section.ReadDouble("min_value", &min_value));
    if (!std::isfinite(min_value)) return section.Invalid("min_value", "must be finite");
    rule.min_value = min_value;
  }
  RETURN_IF_ERROR(section.ReadBool("scale_by_value", &rule.scale_by_value));
  return rule;
}

}  // namespace

PreparationConfig PreparationConfig::Defaults() {
  PreparationConfig config;
  config.interaction_rules["rating"] = {.weight = 0.2, .min_value = 4, .scale_by_value = true};
  config.interaction_rules["view"] = {.weight = 1, .min_value = 0.5, .scale_by_value = true};
  // What next-title calls report (sessions.feedback_type): the share of a title played.
  config.interaction_rules["play"] = {.weight = 1, .min_value = 0.5, .scale_by_value = true};
  config.interaction_rules["bookmark"] = {
      .weight = 2, .min_value = std::nullopt, .scale_by_value = false};
  config.max_pair_weight = 5;
  return config;
}

absl::StatusOr<PreparationConfig> PreparationConfig::FromYaml(const YAML::Node& node) {
  ASSIGN_OR_RETURN(common::YamlSection section, common::YamlSection::Open(node, "preparation"));
  RETURN_IF_ERROR(section.RejectUnknownKeys({"interaction_types", "max_pair_weight", "max_age_days",
                                             "min_user_interactions", "min_title_interactions",
                                             "popularity_window_days"}));
  PreparationConfig config = Defaults();
  ASSIGN_OR_RETURN(std::optional<common::YamlSection> types, section.Child("interaction_types"));
  if (types) {
    // A listed section replaces the default rules entirely: a catalog with other types must not
    // inherit rules for types it does not have.
    config.interaction_rules.clear();
    for (const auto& entry : types->node()) {
      std::string name = entry.first.Scalar();
      ASSIGN_OR_RETURN(common::YamlSection rule_section,
                       common::YamlSection::Open(entry.second, fmt::format("{}.{}", types->path(), name)));
      ASSIGN_OR_RETURN(config.interaction_rules[name], RuleFromYaml(rule_section));
    }
  }
  RETURN_IF_ERROR(section.ReadDouble("max_pair_weight", &config.max_pair_weight));
  if (!(config.max_pair_weight >= 0) || !std::isfinite(config.max_pair_weight)) {
    return section.Invalid("max_pair_weight", "must be a finite number >= 0 (0 = no cap)");
  }
  RETURN_IF_ERROR(section.ReadInt("max_age_days", 0, kMaxInt, &config.max_age_days));
  RETURN_IF_ERROR(
      section.ReadInt("min_user_interactions", 1, kMaxInt, &config.min_user_interactions));
  RETURN_IF_ERROR(
      section.ReadInt("min_title_interactions", 1, kMaxInt, &config.min_title_interactions));
  RETURN_IF_ERROR(
      section.ReadInt("popularity_window_days", 0, kMaxInt, &config.popularity_window_days));
  return config;
}

}  // namespace vitrina::data
