#include "blacklist/blacklist_manager.h"

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "registry/unix_time.h"

namespace vitrina::blacklist {
namespace {

absl::Status ValidateUser(std::optional<int64_t> user_id) {
  if (user_id.has_value() && *user_id < 0) {
    return absl::InvalidArgumentError(
        fmt::format("user_id must be a catalog id (>= 0), got {}", *user_id));
  }
  return absl::OkStatus();
}

absl::Status ValidateChange(std::optional<int64_t> user_id, absl::Span<const int64_t> title_ids) {
  RETURN_IF_ERROR(ValidateUser(user_id));
  if (title_ids.empty()) return absl::InvalidArgumentError("title_ids is empty");
  for (size_t i = 0; i < title_ids.size(); ++i) {
    if (title_ids[i] < 0) {
      return absl::InvalidArgumentError(
          fmt::format("title_ids[{}] must be a catalog id (>= 0), got {}", i, title_ids[i]));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<BlacklistManager>> BlacklistManager::Create(
    std::unique_ptr<BlacklistStore> store) {
  ASSIGN_OR_RETURN(std::vector<BlacklistEntry> entries, store->LoadAll());
  return std::unique_ptr<BlacklistManager>(new BlacklistManager(
      std::move(store), std::make_shared<const BlacklistSnapshot>(std::move(entries))));
}

absl::StatusOr<int> BlacklistManager::Add(std::optional<int64_t> user_id,
                                          absl::Span<const int64_t> title_ids,
                                          const std::string& reason) {
  RETURN_IF_ERROR(ValidateChange(user_id, title_ids));
  std::lock_guard<std::mutex> lock(write_mutex_);
  const registry::UnixSeconds now = registry::UnixNow();
  ASSIGN_OR_RETURN(int added, store_->Add(user_id, title_ids, reason, now));

  std::shared_ptr<const BlacklistSnapshot> current = snapshot_.load();
  std::vector<BlacklistEntry> entries = current->entries();
  for (int64_t title_id : title_ids) {
    if (!current->Contains(user_id, title_id)) {
      entries.push_back(BlacklistEntry{title_id, user_id, reason, now});
    }
  }
  snapshot_.store(std::make_shared<const BlacklistSnapshot>(std::move(entries)));
  return added;
}

absl::StatusOr<int> BlacklistManager::Remove(std::optional<int64_t> user_id,
                                             absl::Span<const int64_t> title_ids) {
  RETURN_IF_ERROR(ValidateChange(user_id, title_ids));
  std::lock_guard<std::mutex> lock(write_mutex_);
  ASSIGN_OR_RETURN(int removed, store_->Remove(user_id, title_ids));

  const absl::flat_hash_set<int64_t> titles(title_ids.begin(), title_ids.end());
  std::vector<BlacklistEntry> entries = snapshot_.load()->entries();
  std::erase_if(entries, [&](const BlacklistEntry& entry) {
    return entry.user_id == user_id && titles.contains(entry.title_id);
  });
  snapshot_.store(std::make_shared<const BlacklistSnapshot>(std::move(entries)));
  return removed;
}

absl::StatusOr<std::vector<BlacklistEntry>> BlacklistManager::List(
    std::optional<int64_t> user_id) const {
  RETURN_IF_ERROR(ValidateUser(user_id));
  return Snapshot()->List(user_id);
}

absl::Status BlacklistManager::Reload() {
  std::lock_guard<std::mutex> lock(write_mutex_);
  ASSIGN_OR_RETURN(std::vector<BlacklistEntry> entries, store_->LoadAll());
  snapshot_.store(std::make_shared<const BlacklistSnapshot>(std::move(entries)));
  return absl::OkStatus();
}

}  // namespace vitrina::blacklist
