#include "blacklist/sqlite_blacklist_store.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::blacklist {
namespace {

using ::vitrina::testing::TempDir;
using ::testing::UnorderedElementsAre;

std::unique_ptr<registry::RegistryDatabase> OpenRegistry(const std::string& path) {
  auto database = registry::RegistryDatabase::Open(path);
  EXPECT_TRUE(database.ok()) << database.status();
  return database.ok() ? std::move(database).value() : nullptr;
}

TEST(SqliteBlacklistStoreTest, EntriesSurviveReopening) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  const std::vector<int64_t> titles = {3, 4};
  const std::vector<int64_t> user_titles = {5};
  {
    auto database = OpenRegistry(path);
    ASSERT_NE(database, nullptr);
    SqliteBlacklistStore store(*database);
    ASSERT_EQ(*store.Add(std::nullopt, titles, "licence expired", 111), 2);
    ASSERT_EQ(*store.Add(9, user_titles, "user asked", 222), 1);
  }
  auto database = OpenRegistry(path);
  ASSERT_NE(database, nullptr);
  absl::StatusOr<std::vector<BlacklistEntry>> entries = SqliteBlacklistStore(*database).LoadAll();
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_THAT(*entries,
              UnorderedElementsAre(BlacklistEntry{3, std::nullopt, "licence expired", 111},
                                   BlacklistEntry{4, std::nullopt, "licence expired", 111},
                                   BlacklistEntry{5, 9, "user asked", 222}));
}

// Catalogs may start their ids at 0: user 0's own list is not the global one, and title 0 is a
// title (the global list used to be stored under user_id 0).
TEST(SqliteBlacklistStoreTest, UserZeroAndTitleZeroAreOrdinaryIds) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  const std::vector<int64_t> zero = {0};
  const std::vector<int64_t> one = {1};
  {
    auto database = OpenRegistry(path);
    ASSERT_NE(database, nullptr);
    SqliteBlacklistStore store(*database);
    ASSERT_EQ(store.Add(0, zero, "user zero", 10).value_or(-1), 1);
    ASSERT_EQ(store.Add(std::nullopt, one, "everyone", 20).value_or(-1), 1);
  }
  auto database = OpenRegistry(path);
  ASSERT_NE(database, nullptr);
  SqliteBlacklistStore store(*database);
  absl::StatusOr<std::vector<BlacklistEntry>> entries = store.LoadAll();
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_THAT(*entries, UnorderedElementsAre(BlacklistEntry{0, 0, "user zero", 10},
                                             BlacklistEntry{1, std::nullopt, "everyone", 20}));
  EXPECT_EQ(store.Remove(std::nullopt, zero).value_or(-1), 0);  // not in the global list
  EXPECT_EQ(store.Remove(0, zero).value_or(-1), 1);
}

TEST(SqliteBlacklistStoreTest, AddIsAllOrNothing) {
  TempDir dir;
  auto database = OpenRegistry(dir.File("registry.db"));
  ASSERT_NE(database, nullptr);
  SqliteBlacklistStore store(*database);
  // The store leaves validation to its callers; the table's CHECK still refuses title -1, and
  // the valid title before it must not stay behind.
  const std::vector<int64_t> titles = {1, -1};
  EXPECT_EQ(store.Add(std::nullopt, titles, "", 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store.LoadAll()->empty());
}

}  // namespace
}  // namespace vitrina::blacklist
