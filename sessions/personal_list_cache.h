#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace vitrina::sessions {

// A user's personal ranked list: the model's best titles for the user, unfiltered, best first.
struct PersonalList {
  std::vector<int64_t> title_ids;
  std::vector<float> scores;
  // False for a first cut, the head of the list the rest is added to when a walk reaches its end
  // (PersonalListSource).
  bool complete = true;
};

// The personal lists of the users served lately, for one model (a new model starts a new cache):
// the list depends only on the model and the user, and computing it is a pass over every title,
// while a session asks it on every call. An LRU per shard bounds the memory (a 500-title list is
// ~6 KB). Thread-safe.
class PersonalListCache {
 public:
  static constexpr size_t kDefaultCapacity = 8192;  // users, ~48 MB of 500-title lists

  explicit PersonalListCache(size_t capacity = kDefaultCapacity) : per_shard_(std::max<size_t>(1, capacity / kShards)) {}

  // The list kept for (user, length), or null.
  std::shared_ptr<const PersonalList> Find(int32_t user, int length) const;
  void Put(int32_t user, int length, std::shared_ptr<const PersonalList> list) const;

 private:
  static constexpr size_t kShards = 16;
  using Key = std::pair<int32_t, int>;
  struct Shard {
    std::mutex mutex;
    std::list<std::pair<Key, std::shared_ptr<const PersonalList>>> recency;  // most recent first
    absl::flat_hash_map<Key, decltype(recency)::iterator> entries;
  };

  Shard& ShardOf(int32_t user) const { return shards_[static_cast<uint32_t>(user) % kShards]; }

  const size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace vitrina::sessions
