#pragma once

#include <string>

#include "simulation/simulation_runner.h"

namespace vitrina::simulation {

// One line per policy (and per experiment arm below it): sessions, consumed time per session with
// its 95% t-interval, titles per session, /next latency, failed calls.
std::string FormatReportTable(const RunReport& report, const RunOptions& options);

// The same figures as one JSON object (numbers as numbers; an interval absent below two sessions is
// null).
std::string FormatReportJson(const RunReport& report, const RunOptions& options);

}  // namespace vitrina::simulation
