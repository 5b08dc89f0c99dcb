#pragma once

#include "trainer/user_update_options.h"

namespace vitrina::server {

// Real-time answers (config `interactions.realtime`): a recorded positive interaction refits the
// user's vector on the served model at once (server/user_overlay.h).
struct RealtimeConfig {
  bool enabled = true;
  int max_users = 100000;        // users adapted at once per served model (least recently used go)
  int max_titles_per_user = 20;  // the newest positives an adapted vector is fitted to
  trainer::UserUpdateOptions update;

  friend bool operator==(const RealtimeConfig&, const RealtimeConfig&) = default;
};

}  // namespace vitrina::server
