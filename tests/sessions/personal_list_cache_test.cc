#include "sessions/personal_list_cache.h"

#include <gtest/gtest.h>

namespace vitrina::sessions {
namespace {

std::shared_ptr<const PersonalList> ListOf(int64_t first) {
  return std::make_shared<const PersonalList>(PersonalList{{first, first + 1}, {1.0f, 0.5f}});
}

TEST(PersonalListCacheTest, KeepsAListPerUserAndLength) {
  PersonalListCache cache;
  EXPECT_EQ(cache.Find(3, 500), nullptr);
  auto list = ListOf(10);
  cache.Put(3, 500, list);
  EXPECT_EQ(cache.Find(3, 500), list);
  EXPECT_EQ(cache.Find(3, 100), nullptr);
  EXPECT_EQ(cache.Find(4, 500), nullptr);
}

TEST(PersonalListCacheTest, ForgetsTheLeastRecentlyUsedBeyondItsCapacity) {
  PersonalListCache cache(16);  // one list per shard: users 0 and 16 share a shard
  cache.Put(0, 5, ListOf(1));
  cache.Put(16, 5, ListOf(2));
  EXPECT_EQ(cache.Find(0, 5), nullptr);
  ASSERT_NE(cache.Find(16, 5), nullptr);
  EXPECT_EQ(cache.Find(16, 5)->title_ids.front(), 2);
  cache.Put(16, 5, ListOf(7));  // a replacement takes no second place
  EXPECT_EQ(cache.Find(16, 5)->title_ids.front(), 7);
}

}  // namespace
}  // namespace vitrina::sessions
