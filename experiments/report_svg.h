#pragma once

#include <string>

#include "vitrina/v1/experiment_report.pb.h"

namespace vitrina::experiments {

// A static SVG picture of a report: each arm's mean consumed and titles per session with its 95 %
// interval (arm names on the bars, values beside them), and each arm's cumulative lift over
// control in time with its interval as a band (arm name at the end of its line).
std::string RenderReportSvg(const v1::ExperimentReport& report);

}  // namespace vitrina::experiments
