#pragma once

#include "blacklist/blacklist_store.h"
#include "registry/registry_database.h"

namespace vitrina::blacklist {

// The blacklist table of the registry file (created by the registry's schema migrations), so
// that it survives restarts together with the models. `database` must outlive the store.
class SqliteBlacklistStore : public BlacklistStore {
 public:
  explicit SqliteBlacklistStore(registry::RegistryDatabase& database) : database_(database) {}

  absl::StatusOr<std::vector<BlacklistEntry>> LoadAll() const override;
  absl::StatusOr<int> Add(std::optional<int64_t> user_id, absl::Span<const int64_t> title_ids,
                          const std::string& reason, registry::UnixSeconds created_at) override;
  absl::StatusOr<int> Remove(std::optional<int64_t> user_id,
                             absl::Span<const int64_t> title_ids) override;

 private:
  registry::RegistryDatabase& database_;
};

}  // namespace vitrina::blacklist
