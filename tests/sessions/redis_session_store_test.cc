// The Redis session store and its failover to in-process memory, against a real redis-server.
#include "sessions/redis_session_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "sessions/failover_session_store.h"
#include "tests/testing/redis_server.h"

namespace vitrina::sessions {
namespace {

using ::vitrina::testing::RedisServer;

class RedisSessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = *std::move(server);
    auto endpoint = cache::ParseRedisUrl(redis_->Url());
    ASSERT_TRUE(endpoint.ok());
    pool_ = std::make_unique<cache::RedisConnectionPool>(
        *endpoint, cache::RedisTimeouts{.connect = std::chrono::milliseconds(50), .command = std::chrono::milliseconds(50)},
        2);
  }

  std::unique_ptr<RedisSessionStore> MakeStore() { return std::make_unique<RedisSessionStore>(*pool_, "t", ttls_); }

  // One call of a session: load, show a title, count the step, save.
  static void Show(SessionStore& store, const SessionKey& key, int64_t title, const std::string& creator) {
    absl::StatusOr<SessionState> state = store.Load(key);
    ASSERT_TRUE(state.ok()) << state.status();
    state->RecordShown(title, {creator});
    state->CountStep();
    absl::Status saved = store.Save(key, state->delta());
    ASSERT_TRUE(saved.ok()) << saved;
  }

  SessionTtls ttls_;
  std::unique_ptr<RedisServer> redis_;
  std::unique_ptr<cache::RedisConnectionPool> pool_;
};

TEST_F(RedisSessionStoreTest, WhatIsSavedLoadsBackAndEndForgetsTheSessionButNotTheOffset) {
  std::unique_ptr<RedisSessionStore> store = MakeStore();
  const SessionKey key{0, "s-1"};
  Show(*store, key, 5, "ann");
  SessionState state = *store->Load(key);
  state.RecordFeedback({5, 0.25});
  state.RecordShown(0, {"ann", "bo b"});
  state.SetListOffset(3);
  state.SetTired({5, 0}, {"ann"});
  state.CountStep();
  ASSERT_TRUE(store->Save(key, state.delta()).ok());

  SessionState loaded = *store->Load(key);
  EXPECT_EQ(loaded.shown(), (std::vector<int64_t>{5, 0}));
  EXPECT_EQ(loaded.feedback(), (std::vector<Feedback>{{5, 0.25}}));
  EXPECT_EQ(loaded.CreatorCount("ann"), 2);
  EXPECT_EQ(loaded.CreatorCount("bo b"), 1);
  EXPECT_EQ(loaded.list_offset(), 3);
  EXPECT_EQ(loaded.tired_titles(), (std::deque<int64_t>{5, 0}));
  EXPECT_EQ(loaded.tired_creators(), (std::deque<std::string>{"ann"}));
  EXPECT_EQ(loaded.step(), 2);
  EXPECT_TRUE(loaded.delta().empty());

  EXPECT_TRUE(store->Load({0, "other"})->shown().empty());
  EXPECT_TRUE(store->Load({1, "s-1"})->shown().empty());
  ASSERT_TRUE(store->End(key).ok());
  SessionState ended = *store->Load(key);
  EXPECT_TRUE(ended.shown().empty());
  EXPECT_EQ(ended.step(), 0);
  EXPECT_EQ(ended.list_offset(), 3);
}

TEST_F(RedisSessionStoreTest, TheFirstStartIsKeptUntilTheSessionEnds) {
  std::unique_ptr<RedisSessionStore> store = MakeStore();
  const SessionKey implicit{4, ""};
  SessionState first = *store->Load(implicit);
  SessionState racing = *store->Load(implicit);  // two first calls of the session at once
  first.MarkStarted(1'700'000'000'000'001);
  racing.MarkStarted(1'700'000'000'000'002);
  ASSERT_TRUE(store->Save(implicit, first.delta()).ok());
  ASSERT_TRUE(store->Save(implicit, racing.delta()).ok());
  EXPECT_EQ(store->Load(implicit)->started_unix_micros(), 1'700'000'000'000'001);
  ASSERT_TRUE(store->End(implicit).ok());
  EXPECT_EQ(store->Load(implicit)->started_unix_micros(), 0);
}

TEST_F(RedisSessionStoreTest, KeysCarryTheirTtls) {
  std::unique_ptr<RedisSessionStore> store = MakeStore();
  const SessionKey implicit{4, ""};
  SessionState state = *store->Load(implicit);
  state.RecordShown(1, {"x"});
  state.SetListOffset(1);
  state.CountStep();
  ASSERT_TRUE(store->Save(implicit, state.delta()).ok());
  auto ttl = [&](const std::string& key) {
    auto connection = pool_->Acquire();
    auto reply = (*connection)->Run({"TTL", key});
    return reply.ok() ? (*reply)->integer : -100;
  };
  const std::string session = store->SessionKeyName(implicit);
  EXPECT_EQ(session, "t:sess:u4:~");
  EXPECT_NEAR(ttl(session), absl::ToInt64Seconds(ttls_.idle_timeout), 2);
  EXPECT_NEAR(ttl(session + ":shown"), absl::ToInt64Seconds(ttls_.idle_timeout), 2);
  EXPECT_NEAR(ttl(session + ":cc"), absl::ToInt64Seconds(ttls_.creator_counts), 2);
  EXPECT_NEAR(ttl(store->OffsetKeyName(4)), absl::ToInt64Seconds(ttls_.list_offset), 2);
}

// Redis killed during a session: no call fails (memory answers), and once Redis is back the
// session's next call puts everything it showed meanwhile into Redis.
TEST_F(RedisSessionStoreTest, FailoverAnswersWithoutRedisAndMovesMemoryBackWhenItReturns) {
  FailoverSessionStore store(MakeStore(), ttls_, std::chrono::milliseconds(100));
  const SessionKey key{9, "live"};
  Show(store, key, 1, "a");
  ASSERT_TRUE(redis_->Kill().ok());
  for (int64_t title = 2; title <= 20; ++title) Show(store, key, title, "a");  // each Show asserts success
  EXPECT_EQ(store.held(), 1u);
  EXPECT_EQ(store.Load(key)->shown().size(), 19u);  // memory since the outage

  ASSERT_TRUE(redis_->Restart().ok());  // an empty Redis: what was there before the kill is gone
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  Show(store, key, 21, "a");
  EXPECT_EQ(store.held(), 0u);
  SessionState in_redis = *MakeStore()->Load(key);
  ASSERT_EQ(in_redis.shown().size(), 20u);
  EXPECT_EQ(in_redis.shown().front(), 2);
  EXPECT_EQ(in_redis.shown().back(), 21);
  EXPECT_EQ(in_redis.step(), 20);
  EXPECT_EQ(in_redis.CreatorCount("a"), 20);
}

}  // namespace
}  // namespace vitrina::sessions
