#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>
#include <thread>

#include "absl/status/status.h"
#include "cache/throttled_warning.h"
#include "registry/hot_interaction_store.h"

namespace vitrina::server {

// The session feedback a read replica owes its primary (`/next`, GetNextTitle, EndSession record
// the previous title as an interaction). The call that reported it must not wait for the primary,
// nor fail with it, and the interaction must not be lost while the primary is away: it waits here
// (bounded; beyond `capacity` the oldest is dropped and counted) and one thread sends each in
// order, retrying while the primary does not answer (backoff 0.1 s doubling to 5 s). An
// interaction the primary refuses for good (INVALID_ARGUMENT...) is logged and dropped.
class ReplicaInteractionQueue {
 public:
  using Send = std::function<absl::Status(const registry::HotInteraction&)>;
  ReplicaInteractionQueue(Send send, size_t capacity);
  ~ReplicaInteractionQueue() { Stop(); }

  void Start();
  // Ends the sender; what is still queued is logged as lost.
  void Stop();

  void Push(registry::HotInteraction interaction);

  size_t pending() const;
  uint64_t dropped() const;  // overflow and refusals

 private:
  void Run();

  const Send send_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<uint64_t, registry::HotInteraction>> queue_;  // (sequence, interaction)
  uint64_t next_sequence_ = 0;
  uint64_t dropped_ = 0;
  bool stopping_ = false;
  std::thread thread_;
  cache::ThrottledWarning warnings_{"session feedback for the primary", std::chrono::seconds(30)};
};

}  // namespace vitrina::server
