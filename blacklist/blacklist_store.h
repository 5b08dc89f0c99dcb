#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "blacklist/blacklist_entry.h"
#include "registry/unix_time.h"

namespace vitrina::blacklist {

// Where blacklist entries persist. An entry is keyed by (user_id or global, title_id). Callers
// (BlacklistManager) validate ids; implementations are thread-safe.
class BlacklistStore {
 public:
  virtual ~BlacklistStore() = default;

  virtual absl::StatusOr<std::vector<BlacklistEntry>> LoadAll() const = 0;

  // Adds the entries that are absent, all or none; an existing entry keeps its reason and date.
  // Returns how many were added.
  virtual absl::StatusOr<int> Add(std::optional<int64_t> user_id,
                                  absl::Span<const int64_t> title_ids, const std::string& reason,
                                  registry::UnixSeconds created_at) = 0;

  // Removes the entries that exist, all or none. Returns how many were removed.
  virtual absl::StatusOr<int> Remove(std::optional<int64_t> user_id,
                                     absl::Span<const int64_t> title_ids) = 0;
};

}  // namespace vitrina::blacklist
