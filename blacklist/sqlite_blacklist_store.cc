#include "blacklist/sqlite_blacklist_store.h"

#include <SQLiteCpp/Transaction.h>

#include "absl/functional/function_ref.h"
#include "fmt/format.h"

namespace vitrina::blacklist {
namespace {

using registry::CachedStatement;
using registry::Connection;

// The table stores the global list under user_id -1 (0 is a valid user): a NULL inside its
// primary key would let duplicates in.
constexpr int64_t kGlobalListUserId = -1;

int64_t StoredUserId(std::optional<int64_t> user_id) {
  return user_id.value_or(kGlobalListUserId);
}

// Runs `sql` (parameters: user_id, title_id) once per title in one transaction and returns the
// number of rows it changed.
absl::StatusOr<int> ChangeEach(registry::RegistryDatabase& database, std::string_view action,
                               const std::string& sql, std::optional<int64_t> user_id,
                               absl::Span<const int64_t> title_ids,
                               absl::FunctionRef<void(SQLite::Statement&)> bind_rest) {
  return database.Write(fmt::format("{} blacklist entries", action),
                        [&](Connection& connection) -> absl::StatusOr<int> {
                          SQLite::Transaction transaction(connection.database(),
                                                          SQLite::TransactionBehavior::IMMEDIATE);
                          int changed = 0;
                          {
                            CachedStatement change = connection.Prepare(sql);
                            change->bind(1, StoredUserId(user_id));
                            bind_rest(*change);
                            for (int64_t title_id : title_ids) {
                              change->bind(2, title_id);
                              changed += change->exec();
                              change->reset();
                            }
                          }
                          transaction.commit();
                          return changed;
                        });
}

}  // namespace

absl::StatusOr<std::vector<BlacklistEntry>> SqliteBlacklistStore::LoadAll() const {
  return database_.Read(
      "loading the blacklist",
      [&](Connection& connection) -> absl::StatusOr<std::vector<BlacklistEntry>> {
        CachedStatement query =
            connection.Prepare("SELECT user_id, title_id, reason, created_at FROM blacklist");
        std::vector<BlacklistEntry> entries;
        while (query->executeStep()) {
          const int64_t user_id = query->getColumn(0).getInt64();
          entries.push_back(BlacklistEntry{
              .title_id = query->getColumn(1).getInt64(),
              .user_id = user_id == kGlobalListUserId ? std::nullopt : std::optional<int64_t>(user_id),
              .reason = query->getColumn(2).getString(),
              .created_at = query->getColumn(3).getInt64()});
        }
        return entries;
      });
}

absl::StatusOr<int> SqliteBlacklistStore::Add(std::optional<int64_t> user_id,
                                              absl::Span<const int64_t> title_ids,
                                              const std::string& reason,
                                              registry::UnixSeconds created_at) {
  return ChangeEach(database_, "adding",
                    // Not INSERT OR IGNORE: that would silently skip CHECK violations too.
                    "INSERT INTO blacklist (user_id, title_id, reason, created_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, title_id) DO NOTHING",
                    user_id, title_ids, [&](SQLite::Statement& insert) {
                      insert.bind(3, reason);
                      insert.bind(4, created_at);
                    });
}

absl::StatusOr<int> SqliteBlacklistStore::Remove(std::optional<int64_t> user_id,
                                                 absl::Span<const int64_t> title_ids) {
  return ChangeEach(database_, "removing",
                    "DELETE FROM blacklist WHERE user_id = ? AND title_id = ?", user_id, title_ids,
                    [](SQLite::Statement&) {});
}

}  // namespace vitrina::blacklist
