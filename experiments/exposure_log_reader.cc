#include "experiments/exposure_log_reader.h"

#include <string_view>

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "experiments/log_file_name.h"
#include "experiments/log_frame.h"
#include "fmt/format.h"

namespace vitrina::experiments {
namespace {

// The offset of the next whole frame at or after `from`, or npos.
size_t FindNextFrame(std::string_view bytes, size_t from) {
  for (size_t at = bytes.find(kFrameMarker, from); at != std::string_view::npos;
       at = bytes.find(kFrameMarker, at + 1)) {
    std::string_view payload;
    size_t frame_bytes = 0;
    if (CheckFrame(bytes.substr(at), &payload, &frame_bytes) == FrameCheck::kOk) return at;
  }
  return std::string_view::npos;
}

}  // namespace

absl::Status ReadLogFile(const std::string& path, const RecordVisitor& visit, LogReadStats& stats) {
  ASSIGN_OR_RETURN(const std::string contents, common::ReadFile(path));
  const std::string_view bytes(contents);
  ++stats.files;
  if (bytes.size() < kFileHeader.size()) {
    // A crash right after creating the file, before its header was written whole.
    if (kFileHeader.substr(0, bytes.size()) == bytes) {
      stats.torn_tail_bytes += static_cast<int64_t>(bytes.size());
      return absl::OkStatus();
    }
    return absl::DataLossError(fmt::format("{} is not an exposure log (no header)", path));
  }
  if (bytes.substr(0, kFileHeader.size()) != kFileHeader) {
    return absl::DataLossError(fmt::format("{} is not an exposure log (wrong header)", path));
  }
  size_t at = kFileHeader.size();
  v1::ExposureLogRecord record;
  while (at < bytes.size()) {
    std::string_view payload;
    size_t frame_bytes = 0;
    const FrameCheck check = CheckFrame(bytes.substr(at), &payload, &frame_bytes);
    if (check == FrameCheck::kOk && record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      visit(record);
      ++stats.records;
      at += frame_bytes;
      continue;
    }
    const size_t next = FindNextFrame(bytes, at + 1);
    if (next == std::string_view::npos) {
      // Nothing whole follows: the end of the file is a frame a crash cut short (or damage there,
      // which cannot be told apart and is not decodable either way).
      stats.torn_tail_bytes += static_cast<int64_t>(bytes.size() - at);
      break;
    }
    stats.corrupt_bytes += static_cast<int64_t>(next - at);
    at = next;
  }
  return absl::OkStatus();
}

absl::Status ReadLogFolder(const std::string& dir, const RecordVisitor& visit, LogReadStats& stats) {
  ASSIGN_OR_RETURN(const std::vector<std::string> files, ListLogFiles(dir));
  for (const auto& file : files) RETURN_IF_ERROR(ReadLogFile(file, visit, stats));
  return absl::OkStatus();
}

}  // namespace vitrina::experiments
