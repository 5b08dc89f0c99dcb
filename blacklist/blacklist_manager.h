#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "blacklist/blacklist_snapshot.h"
#include "blacklist/blacklist_store.h"

namespace vitrina::blacklist {

// The blacklist as the answer path sees it: an immutable snapshot behind an atomic pointer.
// Readers never wait for writers; a reader keeps the snapshot it loaded, the next load sees
// every change made so far. Writes (one at a time) go to the store first, then publish a new
// snapshot, so a failed write changes nothing. Thread-safe.
class BlacklistManager {
 public:
  // Loads `store` into the first snapshot.
  static absl::StatusOr<std::unique_ptr<BlacklistManager>> Create(
      std::unique_ptr<BlacklistStore> store);

  BlacklistManager(const BlacklistManager&) = delete;
  BlacklistManager& operator=(const BlacklistManager&) = delete;

  // The current snapshot. A request takes it once and checks all its candidates against it:
  // each call is an atomic reference count update shared by every thread.
  std::shared_ptr<const BlacklistSnapshot> Snapshot() const { return snapshot_.load(); }

  bool IsBlocked(int64_t user_id, int64_t title_id) const {
    return Snapshot()->IsBlocked(user_id, title_id);
  }

  // Adds `title_ids` to the global list (no user) or to `user_id`'s and returns how many
  // entries were new. InvalidArgument for an empty list or an id < 0 (naming the field).
  absl::StatusOr<int> Add(std::optional<int64_t> user_id, absl::Span<const int64_t> title_ids,
                          const std::string& reason);

  // Removes them and returns how many entries existed. Same validation as Add.
  absl::StatusOr<int> Remove(std::optional<int64_t> user_id, absl::Span<const int64_t> title_ids);

  // The global list (no user) or `user_id`'s, by title id. InvalidArgument for user_id < 0.
  absl::StatusOr<std::vector<BlacklistEntry>> List(std::optional<int64_t> user_id) const;

  // Replaces the snapshot with what the store holds now: for changes made by another process
  // or an external source. On error the current snapshot stays.
  absl::Status Reload();

 private:
  BlacklistManager(std::unique_ptr<BlacklistStore> store,
                   std::shared_ptr<const BlacklistSnapshot> snapshot)
      : store_(std::move(store)), snapshot_(std::move(snapshot)) {}

  std::unique_ptr<BlacklistStore> store_;
  // Held through a store write and the publication that follows, so that two writers never
  // derive their snapshots from the same predecessor and lose one change.
  std::mutex write_mutex_;
  std::atomic<std::shared_ptr<const BlacklistSnapshot>> snapshot_;
};

}  // namespace vitrina::blacklist
