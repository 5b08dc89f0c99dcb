#include "cache/null_cache.h"

namespace vitrina::cache {

std::optional<std::string> NullCache::Get(const CacheKey&) {
  counters_.CountMiss();
  return std::nullopt;
}

void NullCache::Put(const CacheKey&, std::string_view) {}

void NullCache::InvalidateUser(int64_t) {}

void NullCache::InvalidateAll() {}

}  // namespace vitrina::cache
