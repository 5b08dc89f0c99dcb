#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "vitrina/v1/exposure.pb.h"

namespace vitrina::experiments {

struct LogReadStats {
  int64_t files = 0;
  int64_t records = 0;
  int64_t torn_tail_bytes = 0;  // a last frame cut short (a crash mid-write): skipped
  int64_t corrupt_bytes = 0;    // damaged frames skipped up to the next frame that checks out
};

using RecordVisitor = std::function<void(const v1::ExposureLogRecord&)>;

// Reads one log file's records in order. A frame is handed out only when its CRC matches and its
// payload parses; a damaged stretch is skipped to the next whole frame (counted in corrupt_bytes),
// an incomplete end is skipped (torn_tail_bytes). DataLoss when the file is not an exposure log.
absl::Status ReadLogFile(const std::string& path, const RecordVisitor& visit, LogReadStats& stats);

// Every log file of `dir` in name (= start time) order.
absl::Status ReadLogFolder(const std::string& dir, const RecordVisitor& visit, LogReadStats& stats);

}  // namespace vitrina::experiments
