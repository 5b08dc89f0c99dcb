#include "blacklist/blacklist_snapshot.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace vitrina::blacklist {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;

BlacklistEntry Entry(std::optional<int64_t> user_id, int64_t title_id, std::string reason = "") {
  return BlacklistEntry{title_id, user_id, std::move(reason), 100};
}

TEST(BlacklistSnapshotTest, GlobalEntriesBlockEveryUserAndUserEntriesOnlyTheirUser) {
  const BlacklistSnapshot snapshot({Entry(std::nullopt, 1), Entry(7, 2)});
  EXPECT_TRUE(snapshot.IsBlocked(7, 1));
  EXPECT_TRUE(snapshot.IsBlocked(8, 1));
  EXPECT_TRUE(snapshot.IsBlocked(7, 2));
  EXPECT_FALSE(snapshot.IsBlocked(8, 2));
  EXPECT_FALSE(snapshot.IsBlocked(7, 3));
}

TEST(BlacklistSnapshotTest, ContainsLooksAtExactlyOneList) {
  const BlacklistSnapshot snapshot({Entry(std::nullopt, 1), Entry(7, 2)});
  EXPECT_TRUE(snapshot.Contains(std::nullopt, 1));
  EXPECT_FALSE(snapshot.Contains(std::nullopt, 2));
  EXPECT_TRUE(snapshot.Contains(7, 2));
  EXPECT_FALSE(snapshot.Contains(7, 1));
}

TEST(BlacklistSnapshotTest, ListsOneScopeByTitle) {
  const BlacklistSnapshot snapshot(
      {Entry(9, 5), Entry(std::nullopt, 3), Entry(7, 4), Entry(std::nullopt, 1), Entry(7, 2)});
  EXPECT_THAT(snapshot.List(std::nullopt), ElementsAre(Field(&BlacklistEntry::title_id, 1),
                                                       Field(&BlacklistEntry::title_id, 3)));
  EXPECT_THAT(snapshot.List(7), ElementsAre(Field(&BlacklistEntry::title_id, 2),
                                            Field(&BlacklistEntry::title_id, 4)));
  EXPECT_THAT(snapshot.List(9), ElementsAre(Field(&BlacklistEntry::title_id, 5)));
  EXPECT_TRUE(snapshot.List(8).empty());
  EXPECT_EQ(snapshot.entries().size(), 5u);
}

TEST(BlacklistSnapshotTest, KeepsTheFirstOfDuplicateEntries) {
  const BlacklistSnapshot snapshot(
      {Entry(7, 2, "first"), Entry(std::nullopt, 2, "global"), Entry(7, 2, "second")});
  EXPECT_THAT(snapshot.List(7), ElementsAre(Entry(7, 2, "first")));
  EXPECT_EQ(snapshot.entries().size(), 2u);
}

}  // namespace
}  // namespace vitrina::blacklist
