#include "experiments/file_exposure_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "experiments/log_file_name.h"
#include "experiments/log_frame.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::experiments {
namespace {

absl::Status WriteAll(int fd, std::string_view bytes, const std::string& what) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(fmt::format("writing {}: {}", what, std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

absl::Status SyncFolder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError(fmt::format("opening folder {}: {}", dir, std::strerror(errno)));
  const int synced = ::fsync(fd);
  const int saved_errno = errno;
  ::close(fd);
  if (synced != 0) {
    return absl::UnavailableError(fmt::format("fsync of folder {}: {}", dir, std::strerror(saved_errno)));
  }
  return absl::OkStatus();
}

int64_t NowUnixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

absl::StatusOr<std::unique_ptr<FileExposureLog>> FileExposureLog::Open(FileExposureLogOptions options) {
  if (options.dir.empty()) return absl::InvalidArgumentError("exposure log: dir is empty");
  if (options.flush_interval <= std::chrono::milliseconds(0)) {
    return absl::InvalidArgumentError(
        fmt::format("exposure log: flush_interval must be > 0 ms, got {}", options.flush_interval.count()));
  }
  if (options.max_file_bytes == 0) return absl::InvalidArgumentError("exposure log: max_file_bytes must be > 0");
  if (options.max_file_age <= std::chrono::seconds(0)) {
    return absl::InvalidArgumentError("exposure log: max_file_age must be > 0 s");
  }
  if (options.max_pending_records == 0) {
    return absl::InvalidArgumentError("exposure log: max_pending_records must be > 0");
  }
  std::error_code error;
  std::filesystem::create_directories(options.dir, error);
  if (error) {
    return absl::UnavailableError(
        fmt::format("exposure log: cannot create folder '{}': {}", options.dir, error.message()));
  }
  auto log = std::unique_ptr<FileExposureLog>(new FileExposureLog(std::move(options)));
  log->writer_ = std::thread([raw = log.get()] { raw->Run(); });
  return log;
}

FileExposureLog::FileExposureLog(FileExposureLogOptions options) : options_(std::move(options)) {}

FileExposureLog::~FileExposureLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_writer_.notify_one();
  if (writer_.joinable()) writer_.join();
  CloseFile();
}

uint64_t FileExposureLog::Append(v1::ExposureLogRecord record) {
  if (record.time_unix_micros() == 0) record.set_time_unix_micros(NowUnixMicros());
  std::lock_guard lock(mutex_);
  if (pending_.size() >= options_.max_pending_records) {
    ++stats_.dropped;
    return 0;
  }
  const uint64_t sequence = next_sequence_++;
  record.set_sequence(sequence);
  pending_.push_back(std::move(record));
  ++stats_.appended;
  return sequence;
}

absl::Status FileExposureLog::Flush() {
  std::unique_lock lock(mutex_);
  const uint64_t target = next_sequence_ - 1;
  const uint64_t errors_before = stats_.write_errors;
  flush_requested_ = true;
  wake_writer_.notify_one();
  batch_done_.wait(lock, [&] { return handled_sequence_ >= target; });
  if (stats_.write_errors != errors_before || stats_.durable_sequence < target) {
    return absl::UnavailableError(fmt::format(
        "exposure log: records up to {} are not all on disk ({} dropped so far, see the error log)", target,
        stats_.dropped));
  }
  return absl::OkStatus();
}

FileExposureLog::Stats FileExposureLog::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void FileExposureLog::Run() {
  std::vector<v1::ExposureLogRecord> batch;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_writer_.wait_for(lock, options_.flush_interval, [&] { return stopping_ || flush_requested_; });
    batch.swap(pending_);
    flush_requested_ = false;
    const bool stop = stopping_;
    lock.unlock();

    const uint64_t last = batch.empty() ? 0 : batch.back().sequence();
    const uint64_t errors_before = stats().write_errors;
    WriteBatch(batch);
    const bool written = stats().write_errors == errors_before;
    const size_t batch_size = batch.size();
    batch.clear();

    lock.lock();
    if (last != 0) {
      handled_sequence_ = last;
      if (written) {
        stats_.durable_sequence = last;
      } else {
        stats_.dropped += batch_size;
      }
    }
    const uint64_t durable = stats_.durable_sequence;
    lock.unlock();
    batch_done_.notify_all();
    if (last != 0 && written && options_.on_durable) options_.on_durable(durable);
    lock.lock();
    if (stop && pending_.empty()) break;
  }
}

void FileExposureLog::WriteBatch(std::vector<v1::ExposureLogRecord>& batch) {
  const auto now = std::chrono::steady_clock::now();
  if (fd_ >= 0 && now - file_opened_at_ >= options_.max_file_age) CloseFile();
  if (batch.empty()) return;

  encoded_.clear();
  std::string payload;
  for (const auto& record : batch) {
    record.SerializeToString(&payload);
    AppendFrame(payload, encoded_);
  }
  absl::Status status = fd_ >= 0 ? absl::OkStatus() : OpenNewFile();
  if (status.ok()) status = WriteAll(fd_, encoded_, "the exposure log");
  if (status.ok() && ::fdatasync(fd_) != 0) {
    status = absl::UnavailableError(fmt::format("fdatasync of the exposure log: {}", std::strerror(errno)));
  }
  if (!status.ok()) {
    // The file may now end in a partial frame; readers skip it, and the next batch goes to a new file.
    spdlog::error("exposure log: {} records lost: {}", batch.size(), std::string(status.message()));
    {
      std::lock_guard lock(mutex_);
      ++stats_.write_errors;
    }
    CloseFile();
    return;
  }
  file_bytes_ += encoded_.size();
  if (file_bytes_ >= options_.max_file_bytes) CloseFile();
}

absl::Status FileExposureLog::OpenNewFile() {
  auto start = std::chrono::system_clock::now();
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string path =
        (std::filesystem::path(options_.dir) / LogFileName(start, static_cast<int>(::getpid()))).string();
    // O_EXCL: a file is never reopened, so nothing ever lands after a torn frame.
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0 && errno == EEXIST) {
      start += std::chrono::microseconds(1);
      continue;
    }
    if (fd_ < 0) return absl::UnavailableError(fmt::format("creating {}: {}", path, std::strerror(errno)));
    file_bytes_ = 0;
    file_opened_at_ = std::chrono::steady_clock::now();
    if (absl::Status header = WriteAll(fd_, kFileHeader, path); !header.ok()) return header;
    if (absl::Status folder = SyncFolder(options_.dir); !folder.ok()) return folder;
    file_bytes_ = kFileHeader.size();
    std::lock_guard lock(mutex_);
    ++stats_.files_started;
    return absl::OkStatus();
  }
  return absl::UnavailableError(fmt::format("exposure log: no free file name in {}", options_.dir));
}

void FileExposureLog::CloseFile() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace vitrina::experiments
