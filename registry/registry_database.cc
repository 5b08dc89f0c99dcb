#include "registry/registry_database.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include "absl/status/status.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "registry/schema_migrations.h"
#include "spdlog/spdlog.h"

namespace vitrina::registry {
namespace {

int UserVersion(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

absl::Status CheckNotFromTheFuture(int version, const std::string& path) {
  if (version <= LatestSchemaVersion()) return absl::OkStatus();
  return absl::FailedPreconditionError(fmt::format(
      "registry {} has schema version {}, newer than the {} this build knows: run a newer "
      "Vitrina on it",
      path, version, LatestSchemaVersion()));
}

absl::Status EnableWal(SQLite::Database& db, const std::string& path) {
  const std::string mode = db.execAndGet("PRAGMA journal_mode=WAL").getString();
  if (mode == "wal") return absl::OkStatus();
  return absl::FailedPreconditionError(fmt::format(
      "registry {} cannot use a write-ahead log (journal mode stays '{}'): it must be a file on "
      "a local disk",
      path, mode));
}

absl::Status MigrateWithoutForeignKeys(SQLite::Database& db, const std::string& path) {
  for (const Migration& migration : SchemaMigrations()) {
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Read inside the transaction: another process may have migrated since we last looked.
    const int version = UserVersion(db);
    RETURN_IF_ERROR(CheckNotFromTheFuture(version, path));
    if (version >= migration.version) continue;
    db.exec(migration.sql);
    SQLite::Statement violations(db, "PRAGMA foreign_key_check");
    if (violations.executeStep()) {
      return absl::DataLossError(fmt::format(
          "registry {}: migration {} ({}) would leave a row of {} referring to a missing row",
          path, migration.version, migration.description, violations.getColumn(0).getString()));
    }
    db.exec(fmt::format("PRAGMA user_version = {}", migration.version));
    transaction.commit();
    spdlog::info("registry {}: applied migration {} ({})", path, migration.version,
                 migration.description);
  }
  return absl::OkStatus();
}

// Foreign keys are off while migrations run (the pragma is a no-op inside a transaction, so it is
// set around them): a migration that rebuilds a table drops the old one while other tables still
// refer to it. Each migration checks every reference before it commits instead.
absl::Status Migrate(SQLite::Database& db, const std::string& path) {
  db.exec("PRAGMA foreign_keys=OFF");
  absl::Status migrated = MigrateWithoutForeignKeys(db, path);
  db.exec("PRAGMA foreign_keys=ON");
  return migrated;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RegistryDatabase>> RegistryDatabase::Open(const std::string& path) {
  try {
    SQLite::Database writer(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
    // Refuse a newer file before changing anything in it, even its journal mode.
    RETURN_IF_ERROR(CheckNotFromTheFuture(UserVersion(writer), path));
    RETURN_IF_ERROR(EnableWal(writer, path));
    writer.exec("PRAGMA synchronous=NORMAL");
    writer.exec("PRAGMA foreign_keys=ON");
    if (UserVersion(writer) < LatestSchemaVersion()) RETURN_IF_ERROR(Migrate(writer, path));

    SQLite::Database reader(path, SQLite::OPEN_READONLY, kBusyTimeoutMs);
    // Taken after both connections opened the file: from here on `path` must keep naming it.
    struct stat opened {};
    if (::stat(path.c_str(), &opened) != 0) {
      return absl::FailedPreconditionError(
          fmt::format("registry {} vanished while it was being opened: {}", path, std::strerror(errno)));
    }
    return std::unique_ptr<RegistryDatabase>(new RegistryDatabase(path, FileIdentity{opened.st_dev, opened.st_ino},
                                                                  Connection(std::move(writer)),
                                                                  Connection(std::move(reader))));
  } catch (const SQLite::Exception& error) {
    return SqliteErrorToStatus(error, fmt::format("opening registry {}", path));
  }
}

absl::Status RegistryDatabase::CheckFileIdentity() const {
  struct stat now {};
  const bool present = ::stat(path_.c_str(), &now) == 0;
  if (present && now.st_dev == identity_.device && now.st_ino == identity_.inode) return absl::OkStatus();
  return absl::DataLossError(fmt::format(
      "registry file {} was {} while open; reads and writes refused (writes would be lost at the next start)", path_,
      present ? "replaced by another file" : "deleted"));
}

absl::Status RegistryDatabase::SaveCopy(const std::string& target) {
  std::lock_guard<std::mutex> lock(write_mutex_);
  try {
    SQLite::Statement copy(writer_.database(), "VACUUM INTO ?");
    copy.bind(1, target);
    copy.exec();
    return absl::OkStatus();
  } catch (const SQLite::Exception& error) {
    return SqliteErrorToStatus(error, fmt::format("copying registry {} to {}", path_, target));
  }
}

}  // namespace vitrina::registry
