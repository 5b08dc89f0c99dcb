#pragma once

#include <string>

#include "cache/redis_connection_pool.h"
#include "sessions/session_store.h"

namespace vitrina::sessions {

// Session memory in Redis, shared by every server of a fleet. Keys, for user U and session S
// ("~" for the implicit session; session ids never hold "~"):
//   <prefix>:sess:uU:S          hash: steps (HINCRBY), tired_titles ("1,2,3")   TTL session
//   <prefix>:sess:uU:S:shown    list of shown title ids (RPUSH)                TTL session
//   <prefix>:sess:uU:S:fb       list of "title consumed" feedback (RPUSH)      TTL session
//   <prefix>:sess:uU:S:tired    list of tired creators (replaced)              TTL session
//   <prefix>:sess:uU:S:cc       hash creator -> titles shown (HINCRBY)         TTL creator_counts
//   <prefix>:off:uU             the user's list offset                         TTL list_offset
// Every save refreshes the session keys' TTLs together, so a session expires as a whole. Load is
// one pipelined round trip (HGETALL, LRANGE x3, HGETALL, GET), Save one (appends and increments:
// two racing calls of a session lose no shown title), End one (UNLINK).
// Errors are returned (Unavailable on a transport failure or timeout), never hidden: the
// failover store (failover_session_store.h) decides what a call does without Redis.
class RedisSessionStore final : public SessionStore {
 public:
  RedisSessionStore(cache::RedisConnectionPool& pool, std::string key_prefix, SessionTtls ttls)
      : pool_(pool), prefix_(std::move(key_prefix)), ttls_(ttls) {}

  absl::StatusOr<SessionState> Load(const SessionKey& key) override;
  absl::Status Save(const SessionKey& key, const SessionDelta& delta) override;
  absl::Status End(const SessionKey& key) override;

  std::string SessionKeyName(const SessionKey& key) const;
  std::string OffsetKeyName(int64_t user_id) const;

 private:
  cache::RedisConnectionPool& pool_;
  const std::string prefix_;
  const SessionTtls ttls_;
};

}  // namespace vitrina::sessions
