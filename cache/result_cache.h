#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cache/cache_key.h"
#include "cache/cache_stats.h"

namespace vitrina::cache {

// Where ranked answers (serialized payloads, opaque here) are kept for a while. A cache is an
// optimisation, never a dependency: no method throws or reports an error, and none blocks longer
// than the backend's configured timeouts. When the backend is down, Get misses, Put and the
// invalidations do nothing, and Stats().errors counts it. All methods are thread-safe.
class ResultCache {
 public:
  virtual ~ResultCache() = default;

  virtual std::optional<std::string> Get(const CacheKey& key) = 0;
  // Stores the payload for the cache's configured TTL, replacing any previous one.
  virtual void Put(const CacheKey& key, std::string_view payload) = 0;
  // Drops every kUserAnswers entry of the user, whatever the model and the variant.
  virtual void InvalidateUser(int64_t user_id) = 0;
  // Drops every entry.
  virtual void InvalidateAll() = 0;

  virtual CacheStats Stats() const = 0;
  // "redis", "memory" or "none".
  virtual std::string_view BackendName() const = 0;
};

}  // namespace vitrina::cache
