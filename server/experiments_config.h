#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/experiment_definition.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::server {

// experiments.log: the exposure and outcome log (experiments/file_exposure_log.h).
struct ExposureLogConfig {
  bool enabled = true;
  std::string dir;  // default <data_dir>/exposure-log
  // The batch period: what a kill -9 can lose at most (docs/EXPERIMENTS.md).
  int flush_interval_ms = 100;
  int max_file_mb = 256;
  int max_file_age_seconds = 3600;
  int max_pending_records = 1'000'000;
};

// The `experiments` section: the log, and experiments created at start when the registry does
// not know them (the Admin API creates the others).
struct ExperimentsConfig {
  ExposureLogConfig log;
  std::vector<experiments::ExperimentDefinition> definitions;

  // InvalidArgument naming the key ("experiments.definitions[0].arms[1].model").
  static absl::StatusOr<ExperimentsConfig> FromYaml(const YAML::Node& node);
};

}  // namespace vitrina::server
