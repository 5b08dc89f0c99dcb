#include "server/replica_interaction_queue.h"

#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff(100);
constexpr std::chrono::milliseconds kMaxBackoff(5000);

// Codes after which the same call may succeed later: the primary away, busy or restarting.
bool Transient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
      return true;
    default:
      return false;
  }
}

}  // namespace

ReplicaInteractionQueue::ReplicaInteractionQueue(Send send, size_t capacity)
    : send_(std::move(send)), capacity_(capacity == 0 ? 1 : capacity) {}

void ReplicaInteractionQueue::Start() { thread_ = std::thread([this] { Run(); }); }

void ReplicaInteractionQueue::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  if (!queue_.empty()) {
    spdlog::warn("{} session feedback interaction(s) not yet recorded on the primary are lost with this shutdown",
                 queue_.size());
  }
}

void ReplicaInteractionQueue::Push(registry::HotInteraction interaction) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      ++dropped_;
      warnings_.Report(fmt::format("{} interactions wait for the primary: the oldest was dropped", capacity_));
    }
    queue_.emplace_back(next_sequence_++, std::move(interaction));
  }
  wake_.notify_one();
}

size_t ReplicaInteractionQueue::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

uint64_t ReplicaInteractionQueue::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void ReplicaInteractionQueue::Run() {
  std::chrono::milliseconds backoff = kFirstBackoff;
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const auto [sequence, next] = queue_.front();
    lock.unlock();
    const absl::Status sent = send_(next);
    lock.lock();
    if (sent.ok() || !Transient(sent)) {
      if (!sent.ok()) {
        ++dropped_;
        spdlog::error("the primary refused session feedback (user {}, title {}): {}", next.user_id, next.title_id,
                      std::string(sent.message()));
      }
      // Push may have dropped the front meanwhile; only the interaction just sent leaves.
      if (!queue_.empty() && queue_.front().first == sequence) queue_.pop_front();
      backoff = kFirstBackoff;
      continue;
    }
    warnings_.Report(fmt::format("{} interaction(s) wait for the primary: {}", queue_.size(),
                                 std::string(sent.message())));
    wake_.wait_for(lock, backoff, [this] { return stopping_; });
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace vitrina::server
