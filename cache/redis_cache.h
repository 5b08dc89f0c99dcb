#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cache/circuit_breaker.h"
#include "cache/redis_connection.h"
#include "cache/redis_connection_pool.h"
#include "cache/redis_endpoint.h"
#include "cache/result_cache.h"
#include "cache/throttled_warning.h"

namespace vitrina::cache {

struct RedisCacheOptions {
  RedisEndpoint endpoint{};
  // Every key starts with "<key_prefix>:"; letters, digits, '_', '-' and '.' only.
  std::string key_prefix = "vitrina";
  std::chrono::seconds ttl{3600};
  std::size_t pool_size = 4;
  RedisTimeouts timeouts;
  // How long Redis is left alone after a failure before one call probes it again.
  std::chrono::milliseconds retry_after{1000};
};

// The shared cache of a fleet of servers, in Redis.
//
// Keys: "<prefix>:rec:m<model>:u<user>:<variant>" and "<prefix>:rel:m<model>:t<title>:<variant>",
// each with the TTL. Every user answer is also listed in the set "<prefix>:rec-index:u<user>",
// written in the same round trip and given the same TTL on every Put, so the set outlives the
// entries it lists and InvalidateUser costs O(entries of the user).
//
// Failures degrade, never stop, the caller: a call that fails or times out opens a circuit
// breaker, and for `retry_after` every call returns at once (Get misses, the rest do nothing), then
// one call probes Redis again on fresh connections. Failures are counted in Stats().errors and
// logged at most once per few seconds.
class RedisCache final : public ResultCache {
 public:
  // InvalidArgument on a bad option. Connections are opened on first use, so a service whose
  // Redis is down still starts, and catches up when Redis comes back.
  static absl::StatusOr<std::unique_ptr<RedisCache>> Create(RedisCacheOptions options);

  std::optional<std::string> Get(const CacheKey& key) override;
  // One pipelined round trip: SET key payload EX ttl (+ SADD and EXPIRE of the user's index).
  void Put(const CacheKey& key, std::string_view payload) override;
  // One atomic server-side script: unlinks the entries listed in the user's index, then the index.
  void InvalidateUser(int64_t user_id) override;
  // SCAN MATCH "<prefix>:*" + UNLINK, a batch per round trip. An admin operation: it costs a round
  // trip per ~1000 keys of the database, but Get and Put stay a single GET / SET round trip (a
  // generation counter in the keys would add a read of the counter to every call). Other data in
  // the same database is left alone.
  void InvalidateAll() override;

  CacheStats Stats() const override;
  std::string_view BackendName() const override { return "redis"; }

 private:
  explicit RedisCache(RedisCacheOptions options);

  // Sends the commands as one pipeline on a pooled connection, minding the circuit breaker.
  // Reports failures to the log; the caller counts them.
  absl::StatusOr<std::vector<RedisReply>> RoundTrip(std::span<const RedisCommand> commands);
  // Counts and reports a reply that is not what the command promises.
  void UnexpectedReply(std::string_view command, const redisReply& reply);

  std::string EntryKey(const CacheKey& key) const;
  std::string UserIndexKey(int64_t user_id) const;

  const RedisCacheOptions options_;
  const std::string ttl_seconds_;  // the EX / EXPIRE argument
  RedisConnectionPool pool_;
  CircuitBreaker breaker_;
  ThrottledWarning warning_;
  CacheCounters counters_;
};

}  // namespace vitrina::cache
