#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "vitrina/v1/admin.pb.h"
#include "vitrina/v1/experiment_report.pb.h"

namespace vitrina::server {

// GetExperimentReport: ExperimentAnalysis (what vitrina-analyze runs) over every file of the
// exposure log folder `log_dir`, for `experiment` (its records carry the arms' weights and the
// control). FailedPrecondition while the log holds no answer of it, or none of its control arm.
absl::StatusOr<v1::ExperimentReport> ExperimentReportFromLog(const std::string& log_dir,
                                                             const v1::Experiment& experiment);

}  // namespace vitrina::server
