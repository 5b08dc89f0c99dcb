#include "blacklist/in_memory_blacklist_store.h"

namespace vitrina::blacklist {

absl::StatusOr<std::vector<BlacklistEntry>> InMemoryBlacklistStore::LoadAll() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<BlacklistEntry> entries;
  entries.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) entries.push_back(entry);
  return entries;
}

absl::StatusOr<int> InMemoryBlacklistStore::Add(std::optional<int64_t> user_id,
                                                absl::Span<const int64_t> title_ids,
                                                const std::string& reason,
                                                registry::UnixSeconds created_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  int added = 0;
  for (int64_t title_id : title_ids) {
    const bool inserted =
        entries_
            .try_emplace(Key{user_id.value_or(0), title_id}, title_id, user_id, reason, created_at)
            .second;
    added += inserted ? 1 : 0;
  }
  return added;
}

absl::StatusOr<int> InMemoryBlacklistStore::Remove(std::optional<int64_t> user_id,
                                                   absl::Span<const int64_t> title_ids) {
  std::lock_guard<std::mutex> lock(mutex_);
  int removed = 0;
  for (int64_t title_id : title_ids) {
    removed += static_cast<int>(entries_.erase(Key{user_id.value_or(0), title_id}));
  }
  return removed;
}

}  // namespace vitrina::blacklist
