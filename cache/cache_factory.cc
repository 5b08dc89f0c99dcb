#include "cache/cache_factory.h"

#include "cache/in_memory_cache.h"
#include "cache/null_cache.h"
#include "cache/redis_cache.h"
#include "cache/redis_endpoint.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::cache {

absl::StatusOr<std::unique_ptr<ResultCache>> MakeResultCache(const CacheConfig& config) {
  switch (config.backend) {
    case CacheBackend::kRedis: {
      ASSIGN_OR_RETURN(RedisEndpoint endpoint, ParseRedisUrl(config.url));
      ASSIGN_OR_RETURN(
          auto cache,
          RedisCache::Create(RedisCacheOptions{
              .endpoint = std::move(endpoint),
              .key_prefix = config.key_prefix,
              .ttl = config.ttl,
              .pool_size = config.pool_size,
              .timeouts = {.connect = config.connect_timeout, .command = config.command_timeout},
              .retry_after = config.retry_after}));
      return cache;
    }
    case CacheBackend::kMemory: {
      ASSIGN_OR_RETURN(auto cache, InMemoryCache::Create(InMemoryCache::Options{
                                       .ttl = config.ttl, .max_entries = config.max_entries}));
      return cache;
    }
    case CacheBackend::kNone:
      return std::make_unique<NullCache>();
  }
  return absl::InvalidArgumentError(
      fmt::format("cache config: unknown backend {}", static_cast<int>(config.backend)));
}

}  // namespace vitrina::cache
