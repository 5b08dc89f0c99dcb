// What only the Redis backend does: its key layout and TTLs on the server, AUTH and SELECT, and
// how it lives through Redis being killed, stalled or absent.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>

#include "cache/cache_config.h"
#include "cache/cache_factory.h"
#include "cache/redis_connection.h"
#include "cache/redis_endpoint.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "tests/testing/redis_server.h"

namespace vitrina::cache {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// A degradation check, not a benchmark: far above the 20 ms command timeout, far below a stall.
constexpr milliseconds kDegradedCallBound{200};
constexpr std::chrono::seconds kRecoveryDeadline{10};

CacheKey UserKey(int64_t model_id, int64_t user_id, std::string variant = "k10") {
  return CacheKey{.kind = kUserAnswers,
                  .model_id = model_id,
                  .subject_id = user_id,
                  .variant = std::move(variant)};
}

std::unique_ptr<testing::RedisServer> StartServer(testing::RedisServer::Options options = {}) {
  auto server = testing::RedisServer::Start(std::move(options));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

std::unique_ptr<ResultCache> MakeRedisCache(CacheConfig config) {
  config.backend = CacheBackend::kRedis;
  auto cache = MakeResultCache(config);
  EXPECT_TRUE(cache.ok()) << cache.status();
  return cache.ok() ? *std::move(cache) : nullptr;
}

// A direct connection, to look at what the cache left in Redis.
absl::StatusOr<RedisConnection> Inspect(const std::string& url) {
  auto endpoint = ParseRedisUrl(url);
  if (!endpoint.ok()) return endpoint.status();
  return RedisConnection::Open(
      *endpoint, {.connect = std::chrono::seconds(2), .command = std::chrono::seconds(2)});
}

// The integer Redis answers, or nullopt (and a test failure) when it answers anything else.
std::optional<long long> IntegerReply(RedisConnection& redis, const RedisCommand& command) {
  auto reply = redis.Run(command);
  if (!reply.ok() || (*reply)->type != REDIS_REPLY_INTEGER) {
    ADD_FAILURE() << command.front() << " did not answer an integer";
    return std::nullopt;
  }
  return (*reply)->integer;
}

std::set<std::string> AllKeys(RedisConnection& redis) {
  auto reply = redis.Run({"KEYS", "*"});
  if (!reply.ok()) {
    ADD_FAILURE() << reply.status();
    return {};
  }
  std::set<std::string> keys;
  for (std::size_t i = 0; i < (*reply)->elements; ++i) {
    keys.emplace((*reply)->element[i]->str, (*reply)->element[i]->len);
  }
  return keys;
}

milliseconds TimeOf(const std::function<void()>& call) {
  const auto start = Clock::now();
  call();
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// Puts and reads back until Redis serves again; false when it does not within the deadline.
bool RecoversWithin(ResultCache& cache, std::chrono::seconds deadline) {
  const auto give_up = Clock::now() + deadline;
  while (Clock::now() < give_up) {
    cache.Put(UserKey(9, 9), "after the outage");
    if (cache.Get(UserKey(9, 9)) == "after the outage") return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

TEST(RedisCacheTest, KeysFollowTheDocumentedLayoutAndAllCarryTheTtl) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto cache = MakeRedisCache({.url = server->Url()});
  ASSERT_NE(cache, nullptr);

  cache->Put(UserKey(7, 42, "k10"), "user answer");
  cache->Put({.kind = kSimilarTitleAnswers, .model_id = 7, .subject_id = 5, .variant = "k10"},
             "title answer");

  auto redis = Inspect(server->Url());
  ASSERT_TRUE(redis.ok()) << redis.status();
  const std::set<std::string> expected = {"vitrina:rec:m7:u42:k10", "vitrina:rel:m7:t5:k10",
                                          "vitrina:rec-index:u42"};
  EXPECT_EQ(AllKeys(*redis), expected);
  for (const std::string& key : expected) {
    const std::optional<long long> ttl = IntegerReply(*redis, {"TTL", key});
    EXPECT_GE(ttl, 3590) << key;
    EXPECT_LE(ttl, 3600) << key;
  }
}

TEST(RedisCacheTest, InvalidateAllLeavesOtherPrefixesAndForeignKeysAlone) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto ours = MakeRedisCache({.url = server->Url(), .key_prefix = "ours"});
  auto theirs = MakeRedisCache({.url = server->Url(), .key_prefix = "theirs"});
  ASSERT_NE(ours, nullptr);
  ASSERT_NE(theirs, nullptr);
  auto redis = Inspect(server->Url());
  ASSERT_TRUE(redis.ok()) << redis.status();
  ASSERT_TRUE(redis->Run({"SET", "session:1", "not a cache entry"}).ok());
  for (int64_t user = 0; user < 3000; ++user) ours->Put(UserKey(1, user), "x");
  theirs->Put(UserKey(1, 1), "kept");

  ours->InvalidateAll();

  EXPECT_EQ(AllKeys(*redis),
            (std::set<std::string>{"session:1", "theirs:rec:m1:u1:k10", "theirs:rec-index:u1"}));
  EXPECT_EQ(theirs->Get(UserKey(1, 1)), "kept");
  EXPECT_EQ(ours->Stats().errors, 0u);
}

TEST(RedisCacheTest, LogsInWithThePasswordAndUsesTheDatabaseOfTheUrl) {
  auto server = StartServer({.password = "s3cret"});
  ASSERT_NE(server, nullptr);
  auto cache = MakeRedisCache({.url = server->Url(/*db=*/3)});
  ASSERT_NE(cache, nullptr);

  cache->Put(UserKey(1, 42), "answer");

  EXPECT_EQ(cache->Get(UserKey(1, 42)), "answer");
  EXPECT_EQ(cache->Stats().errors, 0u);
  auto db3 = Inspect(server->Url(3));
  ASSERT_TRUE(db3.ok()) << db3.status();
  EXPECT_EQ(IntegerReply(*db3, {"EXISTS", "vitrina:rec:m1:u42:k10"}), 1);
  auto db0 = Inspect(server->Url(0));
  ASSERT_TRUE(db0.ok()) << db0.status();
  EXPECT_EQ(IntegerReply(*db0, {"DBSIZE"}), 0);
}

TEST(RedisCacheTest, AWrongPasswordDegradesToCountedMisses) {
  auto server = StartServer({.password = "s3cret"});
  ASSERT_NE(server, nullptr);
  auto cache =
      MakeRedisCache({.url = fmt::format("redis://:wrong@127.0.0.1:{}/0", server->port())});
  ASSERT_NE(cache, nullptr);

  cache->Put(UserKey(1, 42), "answer");

  EXPECT_EQ(cache->Get(UserKey(1, 42)), std::nullopt);
  const CacheStats stats = cache->Stats();
  EXPECT_EQ(stats.hits + stats.misses, 0u);
  EXPECT_EQ(stats.errors, 2u);
}

TEST(RedisCacheTest, DegradesQuicklyWhileRedisIsDeadAndReconnectsByItselfAfterARestart) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto cache =
      MakeRedisCache({.url = server->Url(), .pool_size = 2, .retry_after = milliseconds(100)});
  ASSERT_NE(cache, nullptr);
  cache->Put(UserKey(1, 42), "answer");
  ASSERT_EQ(cache->Get(UserKey(1, 42)), "answer");

  ASSERT_TRUE(server->Kill().ok());
  for (int call = 0; call < 20; ++call) {
    std::optional<std::string> answer;
    EXPECT_LT(TimeOf([&] { answer = cache->Get(UserKey(1, 42)); }), kDegradedCallBound);
    EXPECT_EQ(answer, std::nullopt);
    EXPECT_LT(TimeOf([&] { cache->Put(UserKey(1, 42), "answer"); }), kDegradedCallBound);
    EXPECT_LT(TimeOf([&] { cache->InvalidateUser(42); }), kDegradedCallBound);
    EXPECT_LT(TimeOf([&] { cache->InvalidateAll(); }), kDegradedCallBound);
    std::this_thread::sleep_for(milliseconds(10));  // lets the breaker half-open now and then
  }
  EXPECT_EQ(cache->Stats().errors, 80u);

  ASSERT_TRUE(server->Restart().ok());
  EXPECT_TRUE(RecoversWithin(*cache, kRecoveryDeadline));
  EXPECT_GE(cache->Stats().reconnects, 1u);
}

TEST(RedisCacheTest, TheCommandTimeoutBoundsCallsWhileRedisIsStalled) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto cache = MakeRedisCache({.url = server->Url(), .retry_after = milliseconds(100)});
  ASSERT_NE(cache, nullptr);
  cache->Put(UserKey(1, 42), "answer");
  ASSERT_EQ(cache->Get(UserKey(1, 42)), "answer");

  ASSERT_TRUE(server->Pause().ok());
  for (int call = 0; call < 5; ++call) {
    std::optional<std::string> answer;
    EXPECT_LT(TimeOf([&] { answer = cache->Get(UserKey(1, 42)); }), kDegradedCallBound);
    EXPECT_EQ(answer, std::nullopt);
    EXPECT_LT(TimeOf([&] { cache->Put(UserKey(1, 42), "answer"); }), kDegradedCallBound);
    std::this_thread::sleep_for(milliseconds(120));  // past retry_after: every call reaches Redis
  }
  const uint64_t errors_while_stalled = cache->Stats().errors;
  ASSERT_TRUE(server->Resume().ok());

  EXPECT_EQ(errors_while_stalled, 10u);
  EXPECT_TRUE(RecoversWithin(*cache, kRecoveryDeadline));
}

TEST(RedisCacheTest, AfterAFailureRedisIsLeftAloneUntilRetryAfter) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  auto cache = MakeRedisCache({.url = server->Url(), .retry_after = std::chrono::seconds(60)});
  ASSERT_NE(cache, nullptr);
  ASSERT_TRUE(server->Kill().ok());
  EXPECT_EQ(cache->Get(UserKey(1, 42)), std::nullopt);

  ASSERT_TRUE(server->Restart().ok());
  cache->Put(UserKey(1, 42), "answer");

  // Redis is back, but the breaker keeps the cache away from it for a minute.
  EXPECT_EQ(cache->Get(UserKey(1, 42)), std::nullopt);
  EXPECT_EQ(cache->Stats().errors, 3u);
  auto redis = Inspect(server->Url());
  ASSERT_TRUE(redis.ok()) << redis.status();
  EXPECT_EQ(IntegerReply(*redis, {"DBSIZE"}), 0);
}

TEST(RedisCacheTest, StartsWhileRedisIsDownAndServesOnceItIsUp) {
  auto server = StartServer();
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(server->Kill().ok());
  auto cache = MakeRedisCache({.url = server->Url(), .retry_after = milliseconds(100)});
  ASSERT_NE(cache, nullptr);

  std::optional<std::string> answer;
  EXPECT_LT(TimeOf([&] { answer = cache->Get(UserKey(1, 42)); }), kDegradedCallBound);
  EXPECT_EQ(answer, std::nullopt);
  EXPECT_EQ(cache->Stats().errors, 1u);

  ASSERT_TRUE(server->Restart().ok());
  EXPECT_TRUE(RecoversWithin(*cache, kRecoveryDeadline));
}

}  // namespace
}  // namespace vitrina::cache
