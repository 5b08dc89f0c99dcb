#pragma once

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::data {

// How one interaction type turns into positive weight. An interaction counts when its value is at
// least `min_value`; it then contributes `weight`, times its value when `scale_by_value`:
//   rating:   {weight: 0.2, min_value: 4, scale_by_value: true}   4 -> 0.8, 5 -> 1.0, 3 -> nothing
//   view:     {weight: 1, min_value: 0.5, scale_by_value: true}  completion 0.9 -> 0.9
//   bookmark: {weight: 2}                                         always 2
struct InteractionRule {
  // Unset: the weight of the catalog's interaction_types table, 1 when the catalog has none.
  std::optional<double> weight;
  std::optional<double> min_value;
  bool scale_by_value = false;
};

// How interactions become the training set (see PrepareDataset). Windows are measured back from
// the newest interaction timestamp of the data (the watermark), not from the wall clock, so a
// catalog that stopped receiving events keeps its training set and its popularity ranking.
struct PreparationConfig {
  // Rules by type name. Types of the catalog's interaction_types table without a rule count with
  // the catalog's weight; types unknown to both are dropped (and counted).
  std::map<std::string, InteractionRule> interaction_rules;
  // Cap on the summed weight of one (user, title) pair; 0 = no cap.
  double max_pair_weight = 0;
  // Interactions older than this many days before the watermark are dropped; 0 = keep all.
  int max_age_days = 0;
  // Minimum positive titles per user and positive users per title, applied repeatedly until
  // stable (a k-core): dropping a title can push a user below the minimum and back.
  int min_user_interactions = 1;
  int min_title_interactions = 1;
  // Title popularity (the cold-start answer) sums positive weight over this many days; 0 = all.
  int popularity_window_days = 30;

  // The default rules for the demo catalog's types (rating, view, bookmark) and for `play`, what
  // next-title calls record.
  static PreparationConfig Defaults();
  // Parses the `preparation:` section; absent keys keep the Defaults() values.
  static absl::StatusOr<PreparationConfig> FromYaml(const YAML::Node& node);
};

}  // namespace vitrina::data
