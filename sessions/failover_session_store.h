#pragma once

#include <memory>
#include <mutex>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "cache/circuit_breaker.h"
#include "cache/throttled_warning.h"
#include "sessions/in_process_session_store.h"
#include "sessions/redis_session_store.h"

namespace vitrina::sessions {

// Redis session memory that never fails a call: when Redis is down or slow (a command past the
// pool's timeout), the call is answered from in-process memory (logged, rate limited) and a
// circuit breaker keeps further calls away from Redis until a probe succeeds. A session written
// to memory meanwhile is "held": its next call after Redis is back reads it from memory and
// adds the whole of it to what Redis kept from before the outage, then forgets it in memory. Sessions never called again expire in memory with the same TTLs.
class FailoverSessionStore final : public SessionStore {
 public:
  FailoverSessionStore(std::unique_ptr<RedisSessionStore> redis, SessionTtls ttls,
                       std::chrono::milliseconds retry_after)
      : redis_(std::move(redis)), memory_(ttls), breaker_(retry_after) {}

  absl::StatusOr<SessionState> Load(const SessionKey& key) override;
  absl::Status Save(const SessionKey& key, const SessionDelta& delta) override;
  absl::Status End(const SessionKey& key) override;

  // Sessions whose memory is in this process, waiting for Redis.
  size_t held() const;

 private:
  using HeldKey = std::pair<int64_t, std::string>;

  bool IsHeld(const SessionKey& key) const;
  void Hold(const SessionKey& key);
  void Release(const SessionKey& key);
  // Records a Redis failure (opens the breaker) and logs it.
  void Failed(const absl::Status& status);
  // Writes a held session's memory to Redis; it stays held when that fails.
  absl::Status MoveToRedis(const SessionKey& key);

  std::unique_ptr<RedisSessionStore> redis_;
  InProcessSessionStore memory_;
  cache::CircuitBreaker breaker_;
  cache::ThrottledWarning warning_{"session memory in Redis", std::chrono::seconds(5)};
  mutable std::mutex held_mutex_;
  absl::flat_hash_set<HeldKey> held_;
  std::atomic<size_t> held_count_{0};  // read without the lock on every call
};

}  // namespace vitrina::sessions
