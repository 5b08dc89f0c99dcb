#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "cache/cache_config.h"
#include "cache/result_cache.h"

namespace vitrina::cache {

// The cache the configuration asks for. InvalidArgument on a bad URL or option; never fails
// because Redis is unreachable (the Redis cache connects on first use and degrades meanwhile).
absl::StatusOr<std::unique_ptr<ResultCache>> MakeResultCache(const CacheConfig& config);

}  // namespace vitrina::cache
