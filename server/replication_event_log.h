#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "vitrina/v1/replication.pb.h"

namespace vitrina::server {

// The primary's log of what replicas must repeat (activations, blacklist changes, cache
// invalidations, recorded interactions), numbered 1, 2, 3... The log lives in memory and keeps the
// newest `capacity` events. It is not persisted: each run of the primary starts a new log with a
// new random id, so a version is only ever compared with versions of the same log, and a replica
// that followed an earlier run (another id) takes a full snapshot instead of trusting a number.
// Thread-safe.
class ReplicationEventLog {
 public:
  explicit ReplicationEventLog(size_t capacity, std::optional<uint64_t> log_id = std::nullopt);

  uint64_t log_id() const { return log_id_; }
  uint64_t version() const;

  // Numbers `event` (its version, log id and time are set here) and wakes the waiting readers.
  // Returns the new version.
  uint64_t Append(v1::ReplicationEvent event);

  // The events after `since_version`, at most `limit`; nullopt when the log cannot continue from
  // there: another log, a version it never reached, or events already dropped.
  std::optional<std::vector<v1::ReplicationEvent>> After(uint64_t log_id, uint64_t since_version, size_t limit) const;

  // Blocks until the version passes `version`, `timeout` passes or Close() is called; returns
  // whether the version passed.
  bool WaitBeyond(uint64_t version, std::chrono::milliseconds timeout) const;

  // Wakes every waiter for good (server shutdown).
  void Close();
  bool closed() const;

 private:
  const size_t capacity_;
  const uint64_t log_id_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<v1::ReplicationEvent> events_;  // versions version_ - events_.size() + 1 .. version_
  uint64_t version_ = 0;
  bool closed_ = false;
};

}  // namespace vitrina::server
