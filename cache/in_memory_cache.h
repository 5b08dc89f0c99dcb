#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "cache/result_cache.h"

namespace vitrina::cache {

// The embedded cache used when no Redis is configured: process-local, bounded, with a TTL.
// Entries live in shards chosen by subject id, each with its own mutex and LRU order, so threads
// rarely contend and all entries of a user sit in one shard (InvalidateUser locks only that one).
// Expired entries are dropped when read or when LRU eviction reaches them.
class InMemoryCache final : public ResultCache {
 public:
  struct Options {
    std::chrono::seconds ttl{3600};
    // The bound on stored entries, split evenly over the shards.
    std::size_t max_entries = 100'000;
  };

  // InvalidArgument when the TTL is not positive or max_entries is 0.
  static absl::StatusOr<std::unique_ptr<InMemoryCache>> Create(Options options);
  ~InMemoryCache() override;

  std::optional<std::string> Get(const CacheKey& key) override;
  void Put(const CacheKey& key, std::string_view payload) override;
  void InvalidateUser(int64_t user_id) override;
  void InvalidateAll() override;
  CacheStats Stats() const override { return counters_.Snapshot(); }
  std::string_view BackendName() const override { return "memory"; }

 private:
  class Shard;

  explicit InMemoryCache(Options options);
  Shard& ShardFor(int64_t subject_id);

  const std::chrono::seconds ttl_;
  std::vector<std::unique_ptr<Shard>> shards_;
  CacheCounters counters_;
};

}  // namespace vitrina::cache
