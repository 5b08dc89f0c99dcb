// The primary's replication log: numbering, reading after a version, and when a replica must take
// a full snapshot instead.
#include "server/replication_event_log.h"

#include <gtest/gtest.h>

#include <thread>

namespace vitrina::server {
namespace {

v1::ReplicationEvent Invalidation(int64_t user_id) {
  v1::ReplicationEvent event;
  event.mutable_cache_invalidated()->set_user_id(user_id);
  return event;
}

std::vector<uint64_t> Versions(const std::vector<v1::ReplicationEvent>& events) {
  std::vector<uint64_t> versions;
  for (const v1::ReplicationEvent& event : events) versions.push_back(event.version());
  return versions;
}

TEST(ReplicationEventLogTest, NumbersEventsFromOneAndStampsThem) {
  ReplicationEventLog log(10, 77);
  EXPECT_EQ(log.version(), 0u);
  EXPECT_EQ(log.Append(Invalidation(1)), 1u);
  EXPECT_EQ(log.Append(Invalidation(2)), 2u);
  std::optional<std::vector<v1::ReplicationEvent>> all = log.After(77, 0, 100);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(Versions(*all), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ((*all)[1].log_id(), 77u);
  EXPECT_EQ((*all)[1].cache_invalidated().user_id(), 2);
  EXPECT_GT((*all)[1].primary_time_unix_ms(), 0);
}

TEST(ReplicationEventLogTest, ReadsOnlyAfterTheVersionUpToTheLimit) {
  ReplicationEventLog log(10, 77);
  for (int user = 1; user <= 5; ++user) log.Append(Invalidation(user));
  EXPECT_EQ(Versions(*log.After(77, 2, 100)), (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(Versions(*log.After(77, 2, 2)), (std::vector<uint64_t>{3, 4}));
  EXPECT_TRUE(log.After(77, 5, 100)->empty());  // up to date
}

TEST(ReplicationEventLogTest, AnotherLogOrAVersionNeverReachedNeedsASnapshot) {
  ReplicationEventLog log(10, 77);
  log.Append(Invalidation(1));
  // A replica that followed an earlier run of the primary (another log id) must not trust its
  // version, even when the number exists in this log.
  EXPECT_FALSE(log.After(76, 0, 100).has_value());
  EXPECT_FALSE(log.After(76, 1, 100).has_value());
  EXPECT_FALSE(log.After(77, 2, 100).has_value());  // ahead of the log
}

TEST(ReplicationEventLogTest, EventsDroppedFromTheBoundedLogNeedASnapshot) {
  ReplicationEventLog log(3, 77);
  for (int user = 1; user <= 6; ++user) log.Append(Invalidation(user));  // keeps 4, 5, 6
  EXPECT_FALSE(log.After(77, 2, 100).has_value());  // 3 is gone
  EXPECT_EQ(Versions(*log.After(77, 3, 100)), (std::vector<uint64_t>{4, 5, 6}));
}

TEST(ReplicationEventLogTest, EachLogHasItsOwnNonZeroId) {
  ReplicationEventLog first(10);
  ReplicationEventLog second(10);
  EXPECT_NE(first.log_id(), 0u);
  EXPECT_NE(first.log_id(), second.log_id());
}

TEST(ReplicationEventLogTest, WaitWakesOnAppendAndTimesOutOtherwise) {
  ReplicationEventLog log(10, 77);
  EXPECT_FALSE(log.WaitBeyond(0, std::chrono::milliseconds(20)));
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log.Append(Invalidation(1));
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(log.WaitBeyond(0, std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  writer.join();
}

TEST(ReplicationEventLogTest, CloseWakesWaitersForGood) {
  ReplicationEventLog log(10, 77);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    log.Close();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(log.WaitBeyond(0, std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(log.closed());
  closer.join();
}

}  // namespace
}  // namespace vitrina::server
