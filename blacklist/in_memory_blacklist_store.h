#pragma once

#include <map>
#include <mutex>
#include <utility>

#include "blacklist/blacklist_store.h"

namespace vitrina::blacklist {

// A store that lives as long as the process (the null backend, used by tests): nothing persists.
class InMemoryBlacklistStore : public BlacklistStore {
 public:
  absl::StatusOr<std::vector<BlacklistEntry>> LoadAll() const override;
  absl::StatusOr<int> Add(std::optional<int64_t> user_id, absl::Span<const int64_t> title_ids,
                          const std::string& reason, registry::UnixSeconds created_at) override;
  absl::StatusOr<int> Remove(std::optional<int64_t> user_id,
                             absl::Span<const int64_t> title_ids) override;

 private:
  // (user_id, title_id) -> entry; user_id 0 stands for the global list.
  using Key = std::pair<int64_t, int64_t>;

  mutable std::mutex mutex_;
  std::map<Key, BlacklistEntry> entries_;
};

}  // namespace vitrina::blacklist
