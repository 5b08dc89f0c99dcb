#include "server/experiment_report.h"

#include "common/status_macros.h"
#include "experiments/experiment_analysis.h"
#include "experiments/exposure_log_reader.h"
#include "fmt/format.h"

namespace vitrina::server {

absl::StatusOr<v1::ExperimentReport> ExperimentReportFromLog(const std::string& log_dir,
                                                             const v1::Experiment& experiment) {
  experiments::ExperimentAnalysis analysis;
  experiments::LogReadStats stats;
  RETURN_IF_ERROR(experiments::ReadLogFolder(
      log_dir, [&analysis](const v1::ExposureLogRecord& record) { analysis.Add(record); }, stats));
  // The log's records carry each arm's weight and which arm is the control, as the definition
  // (which never changes) says.
  experiments::AnalysisOptions options;
  options.experiment = experiment.name();
  absl::StatusOr<v1::ExperimentReport> report = analysis.Report(options, stats);
  if (!report.ok() && (report.status().code() == absl::StatusCode::kNotFound ||
                       report.status().code() == absl::StatusCode::kInvalidArgument)) {
    // Too early: no answer of the experiment, or none of its control arm, is logged yet.
    return absl::FailedPreconditionError(fmt::format("the exposure log cannot report '{}' yet: {}", experiment.name(),
                                                     std::string(report.status().message())));
  }
  return report;
}

}  // namespace vitrina::server
