#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "vitrina/v1/admin.pb.h"
#include "vitrina/v1/experiment_report.pb.h"

namespace vitrina::server {

// GetExperimentReport: ExperimentAnalysis (what vitrina-analyze runs) over every file of the
// exposure log folder `log_dir`, for `experiment`, its first arm the control and its configured
// weights the sample-ratio check's expectation. NotFound when the log holds no answer of it yet.
absl::StatusOr<v1::ExperimentReport> ExperimentReportFromLog(const std::string& log_dir,
                                                             const v1::Experiment& experiment);

}  // namespace vitrina::server
