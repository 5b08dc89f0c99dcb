#include "server/replica_interaction_effects.h"

namespace vitrina::server {

void ReplicaInteractionEffects::Recorded(int64_t user_id, int64_t title_id, int64_t at_unix, std::string_view type,
                                         double value) const {
  recent_.Add(user_id, title_id, at_unix);
  if (realtime_ != nullptr) realtime_->Record(user_id, title_id, type, value);
  cache_.InvalidateUser(user_id);
}

void ReplicaInteractionEffects::Deleted(std::optional<int64_t> user_id) const {
  if (realtime_ != nullptr) realtime_->Forget(user_id);
  if (user_id) {
    cache_.InvalidateUser(*user_id);
  } else {
    cache_.InvalidateAll();
  }
}

}  // namespace vitrina::server
