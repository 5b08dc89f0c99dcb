#pragma once

#include "cache/result_cache.h"

namespace vitrina::cache {

// Caching switched off: every Get misses (and is counted as a miss), everything else does nothing.
class NullCache final : public ResultCache {
 public:
  std::optional<std::string> Get(const CacheKey& key) override;
  void Put(const CacheKey& key, std::string_view payload) override;
  void InvalidateUser(int64_t user_id) override;
  void InvalidateAll() override;
  CacheStats Stats() const override { return counters_.Snapshot(); }
  std::string_view BackendName() const override { return "none"; }

 private:
  CacheCounters counters_;
};

}  // namespace vitrina::cache
