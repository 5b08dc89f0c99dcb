#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrina::experiments {

// Log files are named by the time they were started, so that the name order is the time order
// and a file, once closed, is never written again: "exposures-20261204T201710.123456Z-p4242.vxl"
// (UTC, microseconds, the writer's process id to keep two replicas sharing a folder apart).
std::string LogFileName(std::chrono::system_clock::time_point start, int process_id);

// The log files in `dir` (names as above; anything else is ignored), in name order.
absl::StatusOr<std::vector<std::string>> ListLogFiles(const std::string& dir);

}  // namespace vitrina::experiments
