// The behaviour every ResultCache backend must share, run against each of them (Redis on a real
// redis-server).
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cache/cache_config.h"
#include "cache/cache_factory.h"
#include "cache/result_cache.h"
#include "gtest/gtest.h"
#include "tests/testing/redis_server.h"

namespace vitrina::cache {
namespace {

using std::chrono::seconds;
using namespace std::string_literals;

CacheKey UserKey(int64_t model_id, int64_t user_id, std::string variant = "k10") {
  return CacheKey{.kind = kUserAnswers,
                  .model_id = model_id,
                  .subject_id = user_id,
                  .variant = std::move(variant)};
}

CacheKey TitleKey(int64_t model_id, int64_t title_id, std::string variant = "k10") {
  return CacheKey{.kind = kSimilarTitleAnswers,
                  .model_id = model_id,
                  .subject_id = title_id,
                  .variant = std::move(variant)};
}

class InMemoryBackend {
 public:
  absl::StatusOr<std::unique_ptr<ResultCache>> MakeCache(seconds ttl) {
    return MakeResultCache(CacheConfig{.backend = CacheBackend::kMemory, .ttl = ttl});
  }
};

class RedisBackend {
 public:
  absl::StatusOr<std::unique_ptr<ResultCache>> MakeCache(seconds ttl) {
    if (!server_.ok()) return server_.status();
    // Generous timeouts: these tests are about semantics, on a machine that may be busy.
    return MakeResultCache(CacheConfig{.backend = CacheBackend::kRedis,
                                       .ttl = ttl,
                                       .url = (*server_)->Url(),
                                       .connect_timeout = std::chrono::seconds(2),
                                       .command_timeout = std::chrono::seconds(2)});
  }

 private:
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> server_ = testing::RedisServer::Start();
};

template <typename Backend>
class ResultCacheSemanticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cache = backend_.MakeCache(seconds(3600));
    ASSERT_TRUE(cache.ok()) << cache.status();
    cache_ = *std::move(cache);
  }

  Backend backend_;
  std::unique_ptr<ResultCache> cache_;
};

using Backends = ::testing::Types<InMemoryBackend, RedisBackend>;
TYPED_TEST_SUITE(ResultCacheSemanticsTest, Backends);

TYPED_TEST(ResultCacheSemanticsTest, GetReturnsTheStoredPayloadByteForByte) {
  // A serialized protobuf: any byte, NUL included.
  const std::string payload = "\x08\x96\x01\x00\xff serialized\0answer"s;
  this->cache_->Put(UserKey(1, 42), payload);

  EXPECT_EQ(this->cache_->Get(UserKey(1, 42)), payload);
  const CacheStats stats = this->cache_->Stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 0u);
  EXPECT_EQ(stats.errors, 0u);
}

TYPED_TEST(ResultCacheSemanticsTest, GetMissesAnAbsentKey) {
  EXPECT_EQ(this->cache_->Get(UserKey(1, 42)), std::nullopt);
  const CacheStats stats = this->cache_->Stats();
  EXPECT_EQ(stats.hits, 0u);
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.errors, 0u);
}

TYPED_TEST(ResultCacheSemanticsTest, PutReplacesThePreviousPayload) {
  this->cache_->Put(UserKey(1, 42), "old");
  this->cache_->Put(UserKey(1, 42), "new");
  EXPECT_EQ(this->cache_->Get(UserKey(1, 42)), "new");
}

TYPED_TEST(ResultCacheSemanticsTest, EveryPartOfTheKeyTellsAnswersApart) {
  this->cache_->Put(UserKey(1, 42, "k10"), "answer");

  EXPECT_EQ(this->cache_->Get(UserKey(2, 42, "k10")), std::nullopt) << "another model";
  EXPECT_EQ(this->cache_->Get(UserKey(1, 43, "k10")), std::nullopt) << "another user";
  EXPECT_EQ(this->cache_->Get(UserKey(1, 42, "k20")), std::nullopt) << "another variant";
  EXPECT_EQ(this->cache_->Get(TitleKey(1, 42, "k10")), std::nullopt) << "another kind";
  EXPECT_EQ(this->cache_->Get(UserKey(1, 42, "k10")), "answer");
}

TYPED_TEST(ResultCacheSemanticsTest, InvalidateUserDropsOnlyThatUsersAnswersAcrossModels) {
  this->cache_->Put(UserKey(1, 42, "k10"), "a");
  this->cache_->Put(UserKey(2, 42, "k20:no-seen"), "b");
  this->cache_->Put(UserKey(1, 43), "other user");
  this->cache_->Put(TitleKey(1, 42), "title 42, not user 42");

  this->cache_->InvalidateUser(42);

  EXPECT_EQ(this->cache_->Get(UserKey(1, 42, "k10")), std::nullopt);
  EXPECT_EQ(this->cache_->Get(UserKey(2, 42, "k20:no-seen")), std::nullopt);
  EXPECT_EQ(this->cache_->Get(UserKey(1, 43)), "other user");
  EXPECT_EQ(this->cache_->Get(TitleKey(1, 42)), "title 42, not user 42");
  EXPECT_EQ(this->cache_->Stats().errors, 0u);
}

TYPED_TEST(ResultCacheSemanticsTest, AUserCachedAgainAfterInvalidationCanBeInvalidatedAgain) {
  this->cache_->Put(UserKey(1, 42), "first");
  this->cache_->InvalidateUser(42);
  this->cache_->Put(UserKey(1, 42), "second");
  EXPECT_EQ(this->cache_->Get(UserKey(1, 42)), "second");

  this->cache_->InvalidateUser(42);
  EXPECT_EQ(this->cache_->Get(UserKey(1, 42)), std::nullopt);
}

TYPED_TEST(ResultCacheSemanticsTest, InvalidateAllDropsEveryAnswer) {
  for (int64_t id = 0; id < 50; ++id) {
    this->cache_->Put(UserKey(1, id), "user answer");
    this->cache_->Put(TitleKey(1, id), "title answer");
  }

  this->cache_->InvalidateAll();

  for (int64_t id = 0; id < 50; ++id) {
    EXPECT_EQ(this->cache_->Get(UserKey(1, id)), std::nullopt) << id;
    EXPECT_EQ(this->cache_->Get(TitleKey(1, id)), std::nullopt) << id;
  }
  EXPECT_EQ(this->cache_->Stats().errors, 0u);
}

TYPED_TEST(ResultCacheSemanticsTest, AnswersExpireAfterTheTtl) {
  auto short_lived = this->backend_.MakeCache(seconds(1));
  ASSERT_TRUE(short_lived.ok()) << short_lived.status();
  (*short_lived)->Put(UserKey(1, 42), "answer");
  ASSERT_EQ((*short_lived)->Get(UserKey(1, 42)), "answer");

  std::this_thread::sleep_for(std::chrono::milliseconds(1200));

  EXPECT_EQ((*short_lived)->Get(UserKey(1, 42)), std::nullopt);
}

TYPED_TEST(ResultCacheSemanticsTest, ServesSeveralThreadsAtOnce) {
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 200;
  std::vector<int> wrong_answers(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &wrong_answers] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const CacheKey key = UserKey(1, t, std::to_string(i));
        const std::string payload = std::to_string(t * kCallsPerThread + i);
        this->cache_->Put(key, payload);
        if (this->cache_->Get(key) != payload) ++wrong_answers[t];
        if (i % 50 == 49) this->cache_->InvalidateUser(t);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(wrong_answers[t], 0) << "thread " << t;
  const CacheStats stats = this->cache_->Stats();
  EXPECT_EQ(stats.hits, static_cast<uint64_t>(kThreads * kCallsPerThread));
  EXPECT_EQ(stats.errors, 0u);
}

}  // namespace
}  // namespace vitrina::cache
