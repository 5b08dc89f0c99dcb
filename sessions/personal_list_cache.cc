#include "sessions/personal_list_cache.h"

namespace vitrina::sessions {

std::shared_ptr<const PersonalList> PersonalListCache::Find(int32_t user, int length) const {
  Shard& shard = ShardOf(user);
  std::lock_guard lock(shard.mutex);
  auto found = shard.entries.find(Key{user, length});
  if (found == shard.entries.end()) return nullptr;
  shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
  return found->second->second;
}

void PersonalListCache::Put(int32_t user, int length, std::shared_ptr<const PersonalList> list) const {
  Shard& shard = ShardOf(user);
  std::lock_guard lock(shard.mutex);
  const Key key{user, length};
  if (auto found = shard.entries.find(key); found != shard.entries.end()) {
    found->second->second = std::move(list);
    shard.recency.splice(shard.recency.begin(), shard.recency, found->second);
    return;
  }
  shard.recency.emplace_front(key, std::move(list));
  shard.entries.emplace(key, shard.recency.begin());
  if (shard.entries.size() > per_shard_) {
    shard.entries.erase(shard.recency.back().first);
    shard.recency.pop_back();
  }
}

}  // namespace vitrina::sessions
