#include "registry/registry_database.h"

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/job_store.h"
#include "registry/schema_migrations.h"
#include "registry/sqlite_status.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::registry {
namespace {

using ::vitrina::testing::TempDir;
using ::testing::HasSubstr;

int64_t CountRows(RegistryDatabase& database, const std::string& table) {
  absl::StatusOr<int64_t> count =
      database.Read("counting", [&](Connection& connection) -> absl::StatusOr<int64_t> {
        return connection.database().execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
      });
  EXPECT_TRUE(count.ok()) << count.status();
  return count.value_or(-1);
}

std::string Pragma(RegistryDatabase& database, const std::string& name) {
  // Pragmas such as synchronous and foreign_keys are per connection: ask the writer's.
  absl::StatusOr<std::string> value =
      database.Write("pragma", [&](Connection& connection) -> absl::StatusOr<std::string> {
        return connection.database().execAndGet("PRAGMA " + name).getString();
      });
  EXPECT_TRUE(value.ok()) << value.status();
  return value.value_or("");
}

JobSpec RunnableJob() {
  JobSpec spec;
  spec.scheduled_at = 1;
  return spec;
}

TEST(SchemaMigrationsTest, VersionsCountUpFromOneWithoutGaps) {
  int expected = 1;
  for (const Migration& migration : SchemaMigrations()) {
    EXPECT_EQ(migration.version, expected++) << migration.description;
  }
  EXPECT_EQ(LatestSchemaVersion(), expected - 1);
}

TEST(RegistryDatabaseTest, MigratesAnEmptyFileToTheLatestSchema) {
  TempDir dir;
  auto database = RegistryDatabase::Open(dir.File("registry.db"));
  ASSERT_TRUE(database.ok()) << database.status();
  EXPECT_EQ(Pragma(**database, "user_version"), std::to_string(LatestSchemaVersion()));
  for (const char* table : {"models", "jobs", "hot_interactions", "blacklist"}) {
    EXPECT_EQ(CountRows(**database, table), 0) << table;
  }
}

// Version 5 moved the global blacklist from user_id 0 to -1 and let ids be 0: a version-4 file
// keeps its rows, and its global entries stay global.
TEST(RegistryDatabaseTest, MigratesVersionFourRowsToIdZeroSchema) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  {
    SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const Migration& migration : SchemaMigrations()) {
      if (migration.version > 4) break;
      old.exec(migration.sql);
    }
    old.exec("PRAGMA user_version = 4");
    old.exec("INSERT INTO blacklist VALUES (0, 5, 'global', 1), (7, 6, 'user 7', 2)");
    old.exec("INSERT INTO hot_interactions (user_id, title_id, type, value, timestamp) "
             "VALUES (3, 4, 'view', 0.5, 100)");
  }
  auto database = RegistryDatabase::Open(path);
  ASSERT_TRUE(database.ok()) << database.status();
  EXPECT_EQ(Pragma(**database, "user_version"), std::to_string(LatestSchemaVersion()));
  absl::StatusOr<std::string> rows =
      (*database)->Write("checking", [&](Connection& connection) -> absl::StatusOr<std::string> {
        std::string text;
        SQLite::Statement blacklist(connection.database(),
                                    "SELECT user_id, title_id FROM blacklist ORDER BY title_id");
        while (blacklist.executeStep()) {
          text += blacklist.getColumn(0).getString() + ":" + blacklist.getColumn(1).getString() + " ";
        }
        SQLite::Statement hot(connection.database(),
                              "SELECT user_id, title_id, timestamp FROM hot_interactions");
        while (hot.executeStep()) {
          text += hot.getColumn(0).getString() + "/" + hot.getColumn(1).getString() + "/" +
                  hot.getColumn(2).getString();
        }
        // The rebuilt tables accept 0 and still refuse negative ids.
        connection.database().exec(
            "INSERT INTO hot_interactions (user_id, title_id, type, value, timestamp) "
            "VALUES (0, 0, 'view', 1, 1)");
        try {
          connection.database().exec(
              "INSERT INTO hot_interactions (user_id, title_id, type, value, timestamp) "
              "VALUES (-1, 0, 'view', 1, 1)");
          text += " negative accepted";
        } catch (const SQLite::Exception&) {
        }
        return text;
      });
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(*rows, "-1:5 7:6 3/4/100");
  EXPECT_EQ(CountRows(**database, "hot_interactions"), 2);
}

TEST(RegistryDatabaseTest, ReopeningKeepsDataAndSchema) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  {
    auto database = RegistryDatabase::Open(path);
    ASSERT_TRUE(database.ok()) << database.status();
    ASSERT_TRUE(JobStore(**database).Create(RunnableJob()).ok());
  }
  for (int reopen = 0; reopen < 2; ++reopen) {
    auto database = RegistryDatabase::Open(path);
    ASSERT_TRUE(database.ok()) << database.status();
    EXPECT_EQ(Pragma(**database, "user_version"), std::to_string(LatestSchemaVersion()));
    EXPECT_EQ(CountRows(**database, "jobs"), 1);
  }
}

TEST(RegistryDatabaseTest, UsesWalNormalSyncAndForeignKeys) {
  TempDir dir;
  auto database = RegistryDatabase::Open(dir.File("registry.db"));
  ASSERT_TRUE(database.ok()) << database.status();
  EXPECT_EQ(Pragma(**database, "journal_mode"), "wal");
  EXPECT_EQ(Pragma(**database, "synchronous"), "1");  // NORMAL
  EXPECT_EQ(Pragma(**database, "foreign_keys"), "1");
  EXPECT_EQ(Pragma(**database, "busy_timeout"), std::to_string(RegistryDatabase::kBusyTimeoutMs));
}

TEST(RegistryDatabaseTest, RefusesANewerSchemaWithoutTouchingTheFile) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  {
    SQLite::Database future(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    future.exec("PRAGMA user_version = " + std::to_string(LatestSchemaVersion() + 1));
  }
  auto database = RegistryDatabase::Open(path);
  ASSERT_EQ(database.status().code(), absl::StatusCode::kFailedPrecondition) << database.status();
  EXPECT_THAT(std::string(database.status().message()), HasSubstr("newer"));

  SQLite::Database untouched(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(untouched.execAndGet("PRAGMA journal_mode").getString(), "delete");
}

TEST(RegistryDatabaseTest, RejectsAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  std::ofstream(path) << std::string(4096, 'x');
  auto database = RegistryDatabase::Open(path);
  EXPECT_EQ(database.status().code(), absl::StatusCode::kDataLoss) << database.status();
}

TEST(RegistryDatabaseTest, RejectsAMissingFolder) {
  TempDir dir;
  auto database = RegistryDatabase::Open(dir.File("absent/registry.db"));
  EXPECT_EQ(database.status().code(), absl::StatusCode::kFailedPrecondition) << database.status();
}

TEST(RegistryDatabaseTest, RejectsAnInMemoryDatabaseThatCannotUseWal) {
  auto database = RegistryDatabase::Open(":memory:");
  ASSERT_EQ(database.status().code(), absl::StatusCode::kFailedPrecondition) << database.status();
  EXPECT_THAT(std::string(database.status().message()), HasSubstr("write-ahead log"));
}

TEST(RegistryDatabaseTest, ReadsRunWhileAWriteTransactionIsOpen) {
  TempDir dir;
  auto opened = RegistryDatabase::Open(dir.File("registry.db"));
  ASSERT_TRUE(opened.ok()) << opened.status();
  RegistryDatabase& database = **opened;

  std::promise<void> write_open;
  std::promise<void> read_done;
  std::future<void> read_done_future = read_done.get_future();
  std::thread writer([&] {
    absl::Status status = database.Write("holding a write", [&](Connection& connection) {
      SQLite::Transaction transaction(connection.database(),
                                      SQLite::TransactionBehavior::IMMEDIATE);
      connection.database().exec(
          "INSERT INTO jobs (kind, triggered_by, status, params_json, activate_policy, "
          "created_at, scheduled_at) VALUES ('full', 'api', 'queued', '{}', 'never', 1, 1)");
      write_open.set_value();
      // Bounded, so that a reader wrongly blocked behind this write fails the test, not hangs it.
      read_done_future.wait_for(std::chrono::seconds(10));
      transaction.commit();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  write_open.get_future().wait();
  auto uncommitted = std::async(std::launch::async, [&] { return CountRows(database, "jobs"); });
  ASSERT_EQ(uncommitted.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(uncommitted.get(), 0);
  read_done.set_value();
  writer.join();
  EXPECT_EQ(CountRows(database, "jobs"), 1);
}

TEST(RegistryDatabaseTest, AWriterFromAnotherConnectionWaitsForTheLock) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  auto first = RegistryDatabase::Open(path);
  auto second = RegistryDatabase::Open(path);
  ASSERT_TRUE(first.ok() && second.ok());

  std::promise<void> lock_taken;
  std::thread holder([&] {
    absl::Status status = (*first)->Write("holding the lock", [&](Connection& connection) {
      SQLite::Transaction transaction(connection.database(),
                                      SQLite::TransactionBehavior::IMMEDIATE);
      lock_taken.set_value();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      transaction.commit();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
  });
  lock_taken.get_future().wait();
  // Without the busy timeout this would fail at once with SQLITE_BUSY.
  EXPECT_TRUE(JobStore(**second).Create(RunnableJob()).ok());
  holder.join();
  EXPECT_EQ(CountRows(**first, "jobs"), 1);
}

TEST(RegistryDatabaseTest, ConvertsExceptionsThrownByTheWork) {
  TempDir dir;
  auto database = RegistryDatabase::Open(dir.File("registry.db"));
  ASSERT_TRUE(database.ok()) << database.status();
  absl::Status status = (*database)->Read("reading nonsense", [](Connection& connection) {
    connection.database().exec("SELECT * FROM no_such_table");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr("reading nonsense"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("no_such_table"));
}

// SQLite keeps writing an unlinked file: every write would vanish at the next start.
TEST(RegistryDatabaseTest, RefusesWritesAndReadsOnceTheFileWasDeleted) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  auto database = RegistryDatabase::Open(path);
  ASSERT_TRUE(database.ok()) << database.status();
  JobStore jobs(**database);
  ASSERT_TRUE(jobs.Create(RunnableJob()).ok());
  EXPECT_TRUE((*database)->CheckFileIdentity().ok());

  ASSERT_TRUE(std::filesystem::remove(path));
  absl::Status file = (*database)->CheckFileIdentity();
  EXPECT_EQ(file.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(file.message()), HasSubstr("registry file " + path + " was deleted while open"));
  absl::StatusOr<JobRecord> refused = jobs.Create(RunnableJob());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("writes refused"));
  absl::StatusOr<JobRecord> read = jobs.Get(1);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(read.status().message()), HasSubstr("registry file " + path + " was deleted"));
}

TEST(RegistryDatabaseTest, RefusesWritesOnceTheFileWasReplaced) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  auto database = RegistryDatabase::Open(path);
  ASSERT_TRUE(database.ok()) << database.status();
  { std::ofstream(dir.File("other.db")) << "another file"; }
  std::filesystem::rename(dir.File("other.db"), path);
  absl::Status refused = (*database)->Write("writing", [](Connection&) { return absl::OkStatus(); });
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("writing: registry file " + path + " was replaced"));
}

TEST(RegistryDatabaseTest, SavesACopyOfADeletedFileWithEverythingInIt) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  auto database = RegistryDatabase::Open(path);
  ASSERT_TRUE(database.ok()) << database.status();
  JobStore jobs(**database);
  ASSERT_TRUE(jobs.Create(RunnableJob()).ok());
  ASSERT_TRUE(jobs.Create(RunnableJob()).ok());
  ASSERT_TRUE(std::filesystem::remove(path));

  const std::string copy = dir.File("registry.db.rescued");
  ASSERT_TRUE((*database)->SaveCopy(copy).ok());
  auto reopened = RegistryDatabase::Open(copy);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(CountRows(**reopened, "jobs"), 2);
  EXPECT_FALSE((*database)->SaveCopy(copy).ok()) << "an existing file is never overwritten";
}

TEST(SqliteErrorToStatusTest, MapsCausesToCodes) {
  EXPECT_EQ(SqliteErrorToStatus(SQLite::Exception("locked", SQLITE_BUSY), "x").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(SqliteErrorToStatus(SQLite::Exception("corrupt", SQLITE_CORRUPT), "x").code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(SqliteErrorToStatus(SQLite::Exception("full", SQLITE_FULL), "x").code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(SqliteErrorToStatus(SQLite::Exception("unique", SQLITE_CONSTRAINT), "x").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SqliteErrorToStatus(SQLite::Exception("misuse"), "x").code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace vitrina::registry
