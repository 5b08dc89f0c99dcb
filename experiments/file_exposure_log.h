#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "experiments/exposure_log.h"

namespace vitrina::experiments {

struct FileExposureLogOptions {
  std::string dir;
  // How often the background thread appends the batch and fsyncs: the most a crash can lose
  // (plus the time of one write + fsync, see docs/EXPERIMENTS.md).
  std::chrono::milliseconds flush_interval{100};
  // A file is closed, and never written again, once it holds this much or is this old.
  uint64_t max_file_bytes = 256ull << 20;
  std::chrono::seconds max_file_age{3600};
  // Records waiting for the disk beyond this are dropped (and counted): a stalled disk must not
  // grow the server's memory without bound or make requests wait.
  size_t max_pending_records = 1'000'000;
  // Called on the writer thread after each fsync with the highest durable sequence (tests, metrics).
  std::function<void(uint64_t durable_sequence)> on_durable;
};

// The exposure log on local files: Append puts the record in memory under a short lock; a
// background thread appends the batch as checksummed frames (log_frame.h) and fsyncs every
// flush_interval. Files are named by their start time (log_file_name.h) and never rewritten: a
// restarted process starts a new file, so a crash's torn last frame stays at the end of its file.
class FileExposureLog final : public ExposureLog {
 public:
  struct Stats {
    uint64_t appended = 0;          // records accepted (sequences handed out)
    uint64_t durable_sequence = 0;  // every accepted record up to this one is on disk, fsynced
    uint64_t dropped = 0;           // refused (queue full) or lost to a failed write
    uint64_t write_errors = 0;
    uint64_t files_started = 0;
  };

  // Creates `dir` when missing; InvalidArgument for bad options, Unavailable when it cannot.
  static absl::StatusOr<std::unique_ptr<FileExposureLog>> Open(FileExposureLogOptions options);
  // Writes what is pending, then stops the thread.
  ~FileExposureLog() override;

  uint64_t Append(v1::ExposureLogRecord record) override;

  // Waits until every record appended before the call is on disk (shutdown, tests).
  absl::Status Flush();

  Stats stats() const;

 private:
  explicit FileExposureLog(FileExposureLogOptions options);
  void Run();
  // Writer thread only.
  void WriteBatch(std::vector<v1::ExposureLogRecord>& batch);
  absl::Status OpenNewFile();
  void CloseFile();

  const FileExposureLogOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_writer_;
  std::condition_variable batch_done_;
  std::vector<v1::ExposureLogRecord> pending_;
  uint64_t next_sequence_ = 1;
  uint64_t handled_sequence_ = 0;  // written or given up on
  bool flush_requested_ = false;
  bool stopping_ = false;
  Stats stats_;

  // Writer thread only.
  int fd_ = -1;
  uint64_t file_bytes_ = 0;
  std::chrono::steady_clock::time_point file_opened_at_;
  std::string encoded_;

  std::thread writer_;
};

}  // namespace vitrina::experiments
