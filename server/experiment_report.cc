#include "server/experiment_report.h"

#include "common/status_macros.h"
#include "experiments/experiment_analysis.h"
#include "experiments/exposure_log_reader.h"

namespace vitrina::server {

absl::StatusOr<v1::ExperimentReport> ExperimentReportFromLog(const std::string& log_dir,
                                                             const v1::Experiment& experiment) {
  experiments::ExperimentAnalysis analysis;
  experiments::LogReadStats stats;
  RETURN_IF_ERROR(experiments::ReadLogFolder(
      log_dir, [&analysis](const v1::ExposureLogRecord& record) { analysis.Add(record); }, stats));
  experiments::AnalysisOptions options;
  options.experiment = experiment.name();
  if (experiment.arms_size() > 0) options.control = experiment.arms(0).name();
  for (const v1::Arm& arm : experiment.arms()) options.weights[arm.name()] = arm.weight();
  return analysis.Report(options, stats);
}

}  // namespace vitrina::server
