// What only the in-process backend does: its size bound and LRU eviction.
#include "cache/in_memory_cache.h"

#include "gtest/gtest.h"

namespace vitrina::cache {
namespace {

CacheKey UserKey(int64_t user_id, std::string variant = "k10") {
  return CacheKey{
      .kind = kUserAnswers, .model_id = 1, .subject_id = user_id, .variant = std::move(variant)};
}

std::unique_ptr<InMemoryCache> MakeCache(std::size_t max_entries) {
  auto cache =
      InMemoryCache::Create({.ttl = std::chrono::seconds(3600), .max_entries = max_entries});
  EXPECT_TRUE(cache.ok()) << cache.status();
  return cache.ok() ? *std::move(cache) : nullptr;
}

TEST(InMemoryCacheTest, RejectsOptionsThatCannotWork) {
  EXPECT_EQ(
      InMemoryCache::Create({.ttl = std::chrono::seconds(0), .max_entries = 10}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      InMemoryCache::Create({.ttl = std::chrono::seconds(60), .max_entries = 0}).status().code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(InMemoryCacheTest, NeverHoldsMoreThanMaxEntries) {
  constexpr std::size_t kMaxEntries = 40;
  auto cache = MakeCache(kMaxEntries);
  ASSERT_NE(cache, nullptr);
  constexpr int64_t kUsers = 1000;
  for (int64_t user = 0; user < kUsers; ++user) cache->Put(UserKey(user), "answer");

  std::size_t held = 0;
  for (int64_t user = 0; user < kUsers; ++user) held += cache->Get(UserKey(user)).has_value();

  EXPECT_LE(held, kMaxEntries);
  // Shards fill unevenly, yet most of the room is used.
  EXPECT_GE(held, kMaxEntries / 2);
}

TEST(InMemoryCacheTest, EvictsTheLeastRecentlyUsedAnswerFirst) {
  // 32 entries over 16 shards: 2 per shard, and all answers of one user share a shard.
  auto cache = MakeCache(32);
  ASSERT_NE(cache, nullptr);
  cache->Put(UserKey(42, "a"), "a");
  cache->Put(UserKey(42, "b"), "b");
  ASSERT_EQ(cache->Get(UserKey(42, "a")), "a");  // now "b" is the least recently used

  cache->Put(UserKey(42, "c"), "c");

  EXPECT_EQ(cache->Get(UserKey(42, "a")), "a");
  EXPECT_EQ(cache->Get(UserKey(42, "b")), std::nullopt);
  EXPECT_EQ(cache->Get(UserKey(42, "c")), "c");
}

TEST(InMemoryCacheTest, AnEvictedAnswerNoLongerCountsForItsUser) {
  auto cache = MakeCache(32);
  ASSERT_NE(cache, nullptr);
  cache->Put(UserKey(42, "a"), "a");
  cache->Put(UserKey(42, "b"), "b");
  cache->Put(UserKey(42, "c"), "c");  // evicts "a"

  cache->InvalidateUser(42);
  cache->Put(UserKey(42, "a"), "a again");

  EXPECT_EQ(cache->Get(UserKey(42, "a")), "a again");
  EXPECT_EQ(cache->Get(UserKey(42, "b")), std::nullopt);
  EXPECT_EQ(cache->Get(UserKey(42, "c")), std::nullopt);
}

}  // namespace
}  // namespace vitrina::cache
