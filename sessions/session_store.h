#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sessions/session_state.h"

namespace vitrina::sessions {

struct SessionKey {
  int64_t user_id = 0;
  std::string session_id;
};

// How long each part of the memory lives after its last write (the Redis keys' TTLs).
struct SessionTtls {
  absl::Duration session = absl::Hours(3);         // shown titles, history, tired buffers, steps
  absl::Duration creator_counts = absl::Hours(3);  // titles per creator in the session
  absl::Duration list_offset = absl::Hours(24);    // per user, across sessions

  friend bool operator==(const SessionTtls&, const SessionTtls&) = default;
};

// Session memory. A call reads once and writes once: Load returns the whole snapshot a policy
// needs (one pipelined round trip for a remote store), the policy decides on it, and Save writes
// the delta the decision recorded (appends, increments and replacements: one round trip, and two
// calls of the same session racing lose no shown title).
class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // An empty state for a session never seen or expired (the user's list offset may remain).
  virtual absl::StatusOr<SessionState> Load(const SessionKey& key) = 0;
  virtual absl::Status Save(const SessionKey& key, const SessionDelta& delta) = 0;
  // Forgets the session (the user's list offset stays: it outlives sessions).
  virtual absl::Status End(const SessionKey& key) = 0;
};

}  // namespace vitrina::sessions
