#include "server/replication_event_log.h"

#include <random>

#include "absl/time/clock.h"

namespace vitrina::server {

namespace {

uint64_t NewLogId() {
  std::random_device device;
  uint64_t id = 0;
  while (id == 0) id = (uint64_t{device()} << 32) | device();  // 0 means "no log yet" to a replica
  return id;
}

}  // namespace

ReplicationEventLog::ReplicationEventLog(size_t capacity, std::optional<uint64_t> log_id)
    : capacity_(capacity == 0 ? 1 : capacity), log_id_(log_id.value_or(NewLogId())) {}

uint64_t ReplicationEventLog::version() const {
  std::lock_guard lock(mutex_);
  return version_;
}

uint64_t ReplicationEventLog::Append(v1::ReplicationEvent event) {
  uint64_t version;
  {
    std::lock_guard lock(mutex_);
    version = ++version_;
    event.set_log_id(log_id_);
    event.set_version(version);
    event.set_primary_time_unix_ms(absl::ToUnixMillis(absl::Now()));
    events_.push_back(std::move(event));
    if (events_.size() > capacity_) events_.pop_front();
  }
  changed_.notify_all();
  return version;
}

std::optional<std::vector<v1::ReplicationEvent>> ReplicationEventLog::After(uint64_t log_id, uint64_t since_version,
                                                                             size_t limit) const {
  std::lock_guard lock(mutex_);
  if (log_id != log_id_ || since_version > version_) return std::nullopt;
  const uint64_t oldest = version_ - events_.size() + 1;  // version of events_.front()
  if (since_version + 1 < oldest) return std::nullopt;
  std::vector<v1::ReplicationEvent> after;
  for (size_t i = since_version + 1 - oldest; i < events_.size() && after.size() < limit; ++i) {
    after.push_back(events_[i]);
  }
  return after;
}

bool ReplicationEventLog::WaitBeyond(uint64_t version, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return closed_ || version_ > version; }) && version_ > version;
}

void ReplicationEventLog::Close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

bool ReplicationEventLog::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace vitrina::server
