#include "blacklist/blacklist_manager.h"

#include <atomic>
#include <thread>

#include "blacklist/in_memory_blacklist_store.h"
#include "blacklist/sqlite_blacklist_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::blacklist {
namespace {

using ::vitrina::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

std::vector<int64_t> Titles(const std::vector<BlacklistEntry>& entries) {
  std::vector<int64_t> titles;
  for (const BlacklistEntry& entry : entries) titles.push_back(entry.title_id);
  return titles;
}

enum class Backend { kInMemory, kSqlite };

// Every behaviour of the manager, on each store backend.
class BlacklistManagerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    std::unique_ptr<BlacklistStore> store;
    if (GetParam() == Backend::kSqlite) {
      auto database = registry::RegistryDatabase::Open(dir_.File("registry.db"));
      ASSERT_TRUE(database.ok()) << database.status();
      database_ = std::move(database).value();
      store = std::make_unique<SqliteBlacklistStore>(*database_);
    } else {
      store = std::make_unique<InMemoryBlacklistStore>();
    }
    store_ = store.get();
    auto manager = BlacklistManager::Create(std::move(store));
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = std::move(manager).value();
  }

  int Add(std::optional<int64_t> user_id, const std::vector<int64_t>& titles,
          const std::string& reason = "test") {
    absl::StatusOr<int> added = manager_->Add(user_id, titles, reason);
    EXPECT_TRUE(added.ok()) << added.status();
    return added.value_or(-1);
  }

  int Remove(std::optional<int64_t> user_id, const std::vector<int64_t>& titles) {
    absl::StatusOr<int> removed = manager_->Remove(user_id, titles);
    EXPECT_TRUE(removed.ok()) << removed.status();
    return removed.value_or(-1);
  }

  std::vector<int64_t> Listed(std::optional<int64_t> user_id) {
    absl::StatusOr<std::vector<BlacklistEntry>> entries = manager_->List(user_id);
    EXPECT_TRUE(entries.ok()) << entries.status();
    return Titles(entries.value_or(std::vector<BlacklistEntry>{}));
  }

  TempDir dir_;
  std::unique_ptr<registry::RegistryDatabase> database_;
  BlacklistStore* store_ = nullptr;  // owned by manager_
  std::unique_ptr<BlacklistManager> manager_;
};

TEST_P(BlacklistManagerTest, AddCountsOnlyNewEntries) {
  EXPECT_EQ(Add(std::nullopt, {1, 2}), 2);
  EXPECT_EQ(Add(std::nullopt, {2, 3, 3}), 1);
  EXPECT_EQ(Add(7, {1}), 1);  // another list
  EXPECT_THAT(Listed(std::nullopt), ElementsAre(1, 2, 3));
  EXPECT_THAT(Listed(7), ElementsAre(1));
}

TEST_P(BlacklistManagerTest, GlobalEntriesBlockEveryoneAndUserEntriesTheirUser) {
  Add(std::nullopt, {1});
  Add(7, {2});
  EXPECT_TRUE(manager_->IsBlocked(7, 1));
  EXPECT_TRUE(manager_->IsBlocked(8, 1));
  EXPECT_TRUE(manager_->IsBlocked(7, 2));
  EXPECT_FALSE(manager_->IsBlocked(8, 2));
}

TEST_P(BlacklistManagerTest, RemoveCountsExistingEntriesOfOneList) {
  Add(std::nullopt, {1, 2});
  Add(7, {1});
  EXPECT_EQ(Remove(std::nullopt, {1, 99}), 1);
  EXPECT_FALSE(manager_->IsBlocked(8, 1));
  EXPECT_TRUE(manager_->IsBlocked(7, 1));  // the user's own entry stays
  EXPECT_THAT(Listed(std::nullopt), ElementsAre(2));
  EXPECT_EQ(Remove(7, {1}), 1);
  EXPECT_TRUE(Listed(7).empty());
}

TEST_P(BlacklistManagerTest, ListedEntriesCarryReasonAndDate) {
  const registry::UnixSeconds before = registry::UnixNow();
  Add(7, {5}, "user asked");
  absl::StatusOr<std::vector<BlacklistEntry>> entries = manager_->List(7);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].user_id, 7);
  EXPECT_EQ((*entries)[0].reason, "user asked");
  EXPECT_GE((*entries)[0].created_at, before);
  EXPECT_LE((*entries)[0].created_at, registry::UnixNow());
}

TEST_P(BlacklistManagerTest, RejectsBadRequestsNamingTheField) {
  const std::vector<int64_t> none;
  const std::vector<int64_t> bad_second = {4, -2};
  const std::vector<int64_t> good = {4};

  absl::StatusOr<int> empty = manager_->Add(std::nullopt, none, "");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(empty.status().message()), HasSubstr("title_ids"));

  absl::StatusOr<int> bad_title = manager_->Add(std::nullopt, bad_second, "");
  EXPECT_EQ(bad_title.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_title.status().message()), HasSubstr("title_ids[1]"));

  absl::StatusOr<int> bad_user = manager_->Remove(-1, good);
  EXPECT_EQ(bad_user.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_user.status().message()), HasSubstr("user_id"));

  EXPECT_EQ(manager_->Remove(std::nullopt, none).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(manager_->List(-5).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(manager_->Snapshot()->entries().empty());
  EXPECT_TRUE(store_->LoadAll()->empty());
}

TEST_P(BlacklistManagerTest, AHeldSnapshotIsUnaffectedAndNewLookupsSeeTheChange) {
  Add(std::nullopt, {1});
  std::shared_ptr<const BlacklistSnapshot> held = manager_->Snapshot();

  Add(std::nullopt, {2});
  Remove(std::nullopt, {1});

  EXPECT_TRUE(held->IsBlocked(7, 1));
  EXPECT_FALSE(held->IsBlocked(7, 2));
  EXPECT_FALSE(manager_->IsBlocked(7, 1));
  EXPECT_TRUE(manager_->IsBlocked(7, 2));
}

TEST_P(BlacklistManagerTest, ReloadPicksUpChangesMadeBehindItsBack) {
  const std::vector<int64_t> titles = {8};
  ASSERT_TRUE(store_->Add(3, titles, "external", 1).ok());
  EXPECT_FALSE(manager_->IsBlocked(3, 8));
  ASSERT_TRUE(manager_->Reload().ok());
  EXPECT_TRUE(manager_->IsBlocked(3, 8));
}

// Readers look while a writer adds titles 1..N in order: every snapshot a reader gets is the
// state after some prefix of the additions, never a partial or reordered one.
TEST_P(BlacklistManagerTest, ReadersSeeWholeSnapshotsDuringWrites) {
  constexpr int64_t kTitles = 60;
  std::atomic<bool> writing = true;
  std::atomic<int> torn = 0;
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (writing.load()) {
        std::shared_ptr<const BlacklistSnapshot> snapshot = manager_->Snapshot();
        int64_t blocked = 0;
        while (blocked < kTitles && snapshot->IsBlocked(1, blocked + 1)) ++blocked;
        for (int64_t title = blocked + 1; title <= kTitles; ++title) {
          if (snapshot->IsBlocked(1, title)) ++torn;
        }
      }
    });
  }
  for (int64_t title = 1; title <= kTitles; ++title) Add(std::nullopt, {title});
  writing = false;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(manager_->Snapshot()->entries().size(), static_cast<size_t>(kTitles));
}

// Writers in several threads: no change is lost from the snapshot or the store.
TEST_P(BlacklistManagerTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 4;
  constexpr int kTitlesPerThread = 25;
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 1; i <= kTitlesPerThread; ++i) Add(9, {t * 1000 + i});
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(Listed(9).size(), static_cast<size_t>(kThreads * kTitlesPerThread));
  EXPECT_EQ(store_->LoadAll()->size(), static_cast<size_t>(kThreads * kTitlesPerThread));
}

INSTANTIATE_TEST_SUITE_P(Backends, BlacklistManagerTest,
                         ::testing::Values(Backend::kInMemory, Backend::kSqlite),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "InMemory";
                         });

TEST(BlacklistManagerPersistenceTest, EntriesSurviveARestart) {
  TempDir dir;
  const std::string path = dir.File("registry.db");
  const std::vector<int64_t> titles = {11, 12};
  {
    auto database = registry::RegistryDatabase::Open(path);
    ASSERT_TRUE(database.ok()) << database.status();
    auto manager = BlacklistManager::Create(std::make_unique<SqliteBlacklistStore>(**database));
    ASSERT_TRUE(manager.ok()) << manager.status();
    ASSERT_EQ(*(*manager)->Add(4, titles, "spoilers"), 2);
  }
  auto database = registry::RegistryDatabase::Open(path);
  ASSERT_TRUE(database.ok()) << database.status();
  auto manager = BlacklistManager::Create(std::make_unique<SqliteBlacklistStore>(**database));
  ASSERT_TRUE(manager.ok()) << manager.status();
  EXPECT_TRUE((*manager)->IsBlocked(4, 12));
  EXPECT_THAT(*(*manager)->List(4), ElementsAre(Field(&BlacklistEntry::reason, "spoilers"),
                                                Field(&BlacklistEntry::reason, "spoilers")));
}

// A store whose writes fail, as a locked or unreachable database would.
class UnwritableStore : public InMemoryBlacklistStore {
 public:
  absl::StatusOr<int> Add(std::optional<int64_t>, absl::Span<const int64_t>, const std::string&,
                          registry::UnixSeconds) override {
    return absl::UnavailableError("store is read-only");
  }
};

TEST(BlacklistManagerFailureTest, AFailedStoreWriteChangesNothing) {
  auto manager = BlacklistManager::Create(std::make_unique<UnwritableStore>());
  ASSERT_TRUE(manager.ok()) << manager.status();
  const std::vector<int64_t> titles = {1};
  EXPECT_EQ((*manager)->Add(std::nullopt, titles, "").status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_FALSE((*manager)->IsBlocked(1, 1));
}

}  // namespace
}  // namespace vitrina::blacklist
