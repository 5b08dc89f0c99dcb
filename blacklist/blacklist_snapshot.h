#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "blacklist/blacklist_entry.h"

namespace vitrina::blacklist {

// The whole blacklist at one moment, immutable, so that readers share it without locks.
// Lookups are O(1) hash probes.
class BlacklistSnapshot {
 public:
  // When `entries` holds the same (user, title) twice, the first one counts.
  explicit BlacklistSnapshot(std::vector<BlacklistEntry> entries);

  // Whether `title_id` is on the global list or on `user_id`'s (std::nullopt: an answer that
  // concerns no user, which only the global list filters).
  bool IsBlocked(std::optional<int64_t> user_id, int64_t title_id) const {
    return global_.contains(title_id) || (user_id.has_value() && per_user_.contains(std::pair{*user_id, title_id}));
  }

  // Whether `title_id` is on exactly this list: the global one (std::nullopt, also what answers
  // that concern no user check) or `user_id`'s.
  bool Contains(std::optional<int64_t> user_id, int64_t title_id) const {
    return user_id.has_value() ? per_user_.contains(std::pair{*user_id, title_id})
                               : global_.contains(title_id);
  }

  // The global list (no user) or one user's, by title id.
  std::vector<BlacklistEntry> List(std::optional<int64_t> user_id) const;

  // Every entry: global ones first, then by user, each by title id.
  const std::vector<BlacklistEntry>& entries() const { return entries_; }

 private:
  std::vector<BlacklistEntry> entries_;
  absl::flat_hash_set<int64_t> global_;
  absl::flat_hash_set<std::pair<int64_t, int64_t>> per_user_;  // (user_id, title_id)
};

}  // namespace vitrina::blacklist
