#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cache/result_cache.h"
#include "server/realtime_updates.h"
#include "server/recent_consumption.h"

namespace vitrina::server {

// What an interaction recorded on the primary changes on a replica at once, as on the primary:
// the title leaves the user's answers (seen set), a positive one refits the user's row of the
// real-time overlay, and the user's cached answers go. Applied by the replica that forwarded the
// interaction as soon as the primary accepted it (the caller's next answer there follows it), and
// on every replica when the primary's event arrives; the refit depends only on the user's set of
// positives, so the replica that forwarded it gets the same row again.
class ReplicaInteractionEffects {
 public:
  // `realtime` null: real-time answers are off.
  ReplicaInteractionEffects(RecentConsumption& recent, cache::ResultCache& cache, const RealtimeUpdates* realtime)
      : recent_(recent), cache_(cache), realtime_(realtime) {}

  void Recorded(int64_t user_id, int64_t title_id, int64_t at_unix, std::string_view type, double value) const;
  // Recorded interactions were deleted (the user's, or everyone's): the rows they moved go back to
  // the trained ones.
  void Deleted(std::optional<int64_t> user_id) const;

 private:
  RecentConsumption& recent_;
  cache::ResultCache& cache_;
  const RealtimeUpdates* realtime_;
};

}  // namespace vitrina::server
