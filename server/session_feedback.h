#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "cache/result_cache.h"
#include "cache/throttled_warning.h"
#include "registry/hot_interaction_store.h"
#include "server/realtime_updates.h"
#include "server/recent_consumption.h"

namespace vitrina::server {

// Records what a session reports (the previous title and the share of it consumed) as an
// interaction of type sessions.feedback_type, the way RecordInteraction does: into the
// hot-interaction store (trainings, full and incremental, learn from it), into the recent
// consumption (the user's seen set), into the user's real-time vector, and the user's cached
// answers are dropped.
class SessionFeedback {
 public:
  // `realtime` (may be null) moves the user's vector on the served model for a positive share.
  SessionFeedback(registry::HotInteractionStore& store, RecentConsumption& recent, cache::ResultCache& cache,
                  std::string type, const RealtimeUpdates* realtime = nullptr)
      : store_(store), recent_(recent), cache_(cache), type_(std::move(type)), realtime_(realtime) {}

  // A failed write is logged (rate limited) and does not fail the call: the listener's next title
  // matters more than one lost training example.
  void Record(int64_t user_id, int64_t title_id, double consumed);

  const std::string& type() const { return type_; }

  // Where the interaction is stored instead of the hot-interaction store alone: a read replica
  // records it on its primary, a primary also tells its replicas. Set before concurrent use.
  using Recorder = std::function<absl::Status(const registry::HotInteraction&)>;
  void RecordThrough(Recorder recorder) { recorder_ = std::move(recorder); }

 private:
  registry::HotInteractionStore& store_;
  RecentConsumption& recent_;
  cache::ResultCache& cache_;
  const std::string type_;
  const RealtimeUpdates* realtime_;
  Recorder recorder_;
  cache::ThrottledWarning failures_{"session feedback", std::chrono::seconds(10)};
};

}  // namespace vitrina::server
