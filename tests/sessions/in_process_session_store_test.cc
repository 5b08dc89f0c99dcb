#include "sessions/in_process_session_store.h"

#include <gtest/gtest.h>

namespace vitrina::sessions {
namespace {

class InProcessSessionStoreTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1'000'000);
  SessionTtls ttls_{.session = absl::Hours(3), .creator_counts = absl::Hours(1), .list_offset = absl::Hours(24)};
  InProcessSessionStore store_{ttls_, [this] { return now_; }};
  const SessionKey key_{7, "a"};

  void Show(const SessionKey& key, int64_t title, const std::string& creator) {
    SessionState state = *store_.Load(key);
    state.RecordShown(title, {creator});
    state.CountStep();
    ASSERT_TRUE(store_.Save(key, state.delta()).ok());
  }
};

TEST_F(InProcessSessionStoreTest, AnUnknownSessionIsEmpty) {
  SessionState state = *store_.Load(key_);
  EXPECT_TRUE(state.shown().empty());
  EXPECT_EQ(state.list_offset(), 0);
  EXPECT_EQ(state.step(), 0);
  EXPECT_TRUE(state.delta().empty());
}

TEST_F(InProcessSessionStoreTest, SavedDeltasAccumulate) {
  Show(key_, 1, "x");
  SessionState state = *store_.Load(key_);
  state.RecordFeedback({1, 0.4});
  state.RecordShown(2, {"x"});
  state.SetListOffset(5);
  state.SetTired({1}, {"x"});
  state.CountStep();
  ASSERT_TRUE(store_.Save(key_, state.delta()).ok());

  SessionState loaded = *store_.Load(key_);
  EXPECT_EQ(loaded.shown(), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(loaded.feedback(), (std::vector<Feedback>{{1, 0.4}}));
  EXPECT_EQ(loaded.CreatorCount("x"), 2);
  EXPECT_EQ(loaded.list_offset(), 5);
  EXPECT_EQ(loaded.tired_titles(), (std::deque<int64_t>{1}));
  EXPECT_EQ(loaded.tired_creators(), (std::deque<std::string>{"x"}));
  EXPECT_EQ(loaded.step(), 2);
}

TEST_F(InProcessSessionStoreTest, TheFirstStartIsKeptUntilTheSessionEnds) {
  SessionState first = *store_.Load(key_);
  SessionState racing = *store_.Load(key_);  // two first calls of the session at once
  first.MarkStarted(100);
  racing.MarkStarted(200);
  ASSERT_TRUE(store_.Save(key_, first.delta()).ok());
  ASSERT_TRUE(store_.Save(key_, racing.delta()).ok());
  EXPECT_EQ(store_.Load(key_)->started_unix_micros(), 100);
  ASSERT_TRUE(store_.End(key_).ok());
  EXPECT_EQ(store_.Load(key_)->started_unix_micros(), 0);
}

TEST_F(InProcessSessionStoreTest, SessionsOfOneUserAndUsersAreApartButTheOffsetIsPerUser) {
  Show(key_, 1, "x");
  SessionState state = *store_.Load(key_);
  state.SetListOffset(3);
  ASSERT_TRUE(store_.Save(key_, state.delta()).ok());
  SessionState other_session = *store_.Load({7, "b"});
  EXPECT_TRUE(other_session.shown().empty());
  EXPECT_EQ(other_session.list_offset(), 3);
  SessionState other_user = *store_.Load({8, "a"});
  EXPECT_TRUE(other_user.shown().empty());
  EXPECT_EQ(other_user.list_offset(), 0);
}

TEST_F(InProcessSessionStoreTest, EachPartExpiresAfterItsTtlSinceItsLastWrite) {
  Show(key_, 1, "x");
  SessionState state = *store_.Load(key_);
  state.SetListOffset(4);
  ASSERT_TRUE(store_.Save(key_, state.delta()).ok());

  now_ += absl::Minutes(59);
  EXPECT_EQ(store_.Load(key_)->CreatorCount("x"), 1);
  now_ += absl::Minutes(2);  // creator counts: 1 h
  EXPECT_EQ(store_.Load(key_)->CreatorCount("x"), 0);
  EXPECT_EQ(store_.Load(key_)->shown().size(), 1u);

  Show(key_, 2, "y");  // a write keeps the session alive
  now_ += absl::Hours(2) + absl::Minutes(59);
  EXPECT_EQ(store_.Load(key_)->shown(), (std::vector<int64_t>{1, 2}));
  now_ += absl::Minutes(2);  // session: 3 h after the last write
  EXPECT_TRUE(store_.Load(key_)->shown().empty());
  EXPECT_EQ(store_.Load(key_)->list_offset(), 4);

  now_ += absl::Hours(20);  // offset: 24 h after it was written
  EXPECT_EQ(store_.Load(key_)->list_offset(), 0);
}

TEST_F(InProcessSessionStoreTest, AnExpiredSessionWrittenAgainStartsAfresh) {
  Show(key_, 1, "x");
  now_ += absl::Hours(4);
  Show(key_, 2, "x");
  SessionState state = *store_.Load(key_);
  EXPECT_EQ(state.shown(), (std::vector<int64_t>{2}));
  EXPECT_EQ(state.CreatorCount("x"), 1);
  EXPECT_EQ(state.step(), 1);
}

TEST_F(InProcessSessionStoreTest, EndForgetsTheSessionButNotTheUsersOffset) {
  Show(key_, 1, "x");
  SessionState state = *store_.Load(key_);
  state.SetListOffset(2);
  ASSERT_TRUE(store_.Save(key_, state.delta()).ok());
  ASSERT_TRUE(store_.End(key_).ok());
  EXPECT_TRUE(store_.Load(key_)->shown().empty());
  EXPECT_EQ(store_.Load(key_)->list_offset(), 2);
}

TEST_F(InProcessSessionStoreTest, ExpiredEntriesAreSweptAsTheShardIsWritten) {
  for (int session = 0; session < 100; ++session) Show({16, std::to_string(session)}, 1, "x");
  EXPECT_EQ(store_.size(), 100u);
  now_ += absl::Hours(4);
  // Every user in the same shard (16 shards): enough saves to trigger a sweep.
  for (int save = 0; save < 1100; ++save) Show({32, "keep"}, save, "x");
  EXPECT_EQ(store_.size(), 1u);
}

TEST_F(InProcessSessionStoreTest, AnImplicitSessionEndsAfterTheIdleTimeoutAnExplicitOneLives) {
  const SessionKey implicit{7, ""};
  Show(implicit, 1, "x");
  Show(key_, 2, "y");
  now_ += ttls_.idle_timeout - absl::Seconds(1);
  EXPECT_EQ(store_.Load(implicit)->shown().size(), 1u);  // not idle long enough yet
  Show(implicit, 3, "x");                                 // a call restarts the idle clock
  now_ += ttls_.idle_timeout - absl::Seconds(1);
  EXPECT_EQ(store_.Load(implicit)->shown().size(), 2u);
  now_ += absl::Seconds(2);
  EXPECT_TRUE(store_.Load(implicit)->shown().empty());
  EXPECT_EQ(store_.Load(key_)->shown().size(), 1u);  // explicit sessions live session_ttl
}

}  // namespace
}  // namespace vitrina::sessions
