#include "server/recent_consumption.h"

#include <algorithm>

namespace vitrina::server {

void RecentConsumption::Add(int64_t user_id, int64_t title_id, int64_t timestamp) {
  Shard& shard = ShardOf(user_id);
  std::lock_guard lock(shard.mutex);
  shard.by_user[user_id].push_back({title_id, timestamp});
}

std::vector<int64_t> RecentConsumption::TitlesOf(int64_t user_id) const {
  std::vector<int64_t> titles;
  {
    Shard& shard = ShardOf(user_id);
    std::lock_guard lock(shard.mutex);
    auto it = shard.by_user.find(user_id);
    if (it == shard.by_user.end()) return titles;
    titles.reserve(it->second.size());
    for (const Entry& entry : it->second) titles.push_back(entry.title_id);
  }
  std::sort(titles.begin(), titles.end());
  titles.erase(std::unique(titles.begin(), titles.end()), titles.end());
  return titles;
}

void RecentConsumption::ForgetUpTo(int64_t watermark) {
  EraseIf([&](int64_t, const Entry& e) { return e.timestamp <= watermark; });
}

void RecentConsumption::Forget(const registry::HotInteractionFilter& filter) {
  EraseIf([&](int64_t user_id, const Entry& e) {
    return filter.all || ((!filter.user_id || *filter.user_id == user_id) &&
                          (!filter.title_id || *filter.title_id == e.title_id) &&
                          (!filter.since || e.timestamp >= *filter.since) && (!filter.until || e.timestamp < *filter.until));
  });
}

void RecentConsumption::EraseIf(absl::FunctionRef<bool(int64_t user_id, const Entry& entry)> erase) {
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    for (auto it = shard.by_user.begin(); it != shard.by_user.end();) {
      auto& entries = it->second;
      const int64_t user_id = it->first;
      std::erase_if(entries, [&](const Entry& e) { return erase(user_id, e); });
      if (entries.empty()) {
        shard.by_user.erase(it++);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace vitrina::server
