#include "cache/cache_key.h"

#include "fmt/format.h"

namespace vitrina::cache {

std::string FormatCacheKey(const CacheKey& key) {
  return fmt::format("{}:m{}:{}{}:{}", key.kind, key.model_id, IsUserAnswer(key) ? 'u' : 't',
                     key.subject_id, key.variant);
}

}  // namespace vitrina::cache
