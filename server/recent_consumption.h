#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "registry/hot_interaction_store.h"

namespace vitrina::server {

// Titles users consumed after the served model's data snapshot (interactions recorded through
// the API). The model's own consumed sets cannot know them, yet answers must exclude them at once.
// Sharded by user so that concurrent requests rarely share a lock.
class RecentConsumption {
 public:
  void Add(int64_t user_id, int64_t title_id, int64_t timestamp);
  // The user's recent titles, sorted and unique (usually a handful).
  std::vector<int64_t> TitlesOf(int64_t user_id) const;
  // Forgets what a newer data snapshot (a model trained up to `watermark`) already knows.
  void ForgetUpTo(int64_t watermark);
  // Forgets what `filter` selects: recorded interactions an operator deleted.
  void Forget(const registry::HotInteractionFilter& filter);

 private:
  struct Entry {
    int64_t title_id;
    int64_t timestamp;
  };
  struct Shard {
    mutable std::mutex mutex;
    absl::flat_hash_map<int64_t, std::vector<Entry>> by_user;
  };
  void EraseIf(absl::FunctionRef<bool(int64_t user_id, const Entry& entry)> erase);

  static constexpr size_t kShards = 16;
  Shard& ShardOf(int64_t user_id) const { return shards_[static_cast<uint64_t>(user_id) % kShards]; }

  mutable std::array<Shard, kShards> shards_;
};

}  // namespace vitrina::server
