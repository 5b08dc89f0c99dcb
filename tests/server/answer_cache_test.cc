// The cache step of the answer path: what is cached, and how a cached answer is served again.
#include "server/answer_cache.h"

#include <gtest/gtest.h>

#include "cache/in_memory_cache.h"
#include "serving/excluded_titles_filter.h"

namespace vitrina::server {
namespace {

std::vector<serving::Candidate> Ranked(std::vector<int64_t> titles) {
  std::vector<serving::Candidate> ranked;
  float score = 10;
  for (int64_t title : titles) ranked.push_back({.title_id = title, .score = score--, .source = "personal"});
  return ranked;
}

std::vector<int64_t> Titles(const v1::RecommendationsResponse& answer) {
  std::vector<int64_t> titles;
  for (const v1::ScoredTitle& item : answer.items()) titles.push_back(item.title_id());
  return titles;
}

class AnswerCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<cache::InMemoryCache> cache_ = *cache::InMemoryCache::Create({});
  const cache::CacheKey key_{cache::kUserAnswers, 1, 42, AnswerVariant(2, true, {})};
  const serving::ExcludedTitlesFilter nothing_blocked_{{}};
};

TEST_F(AnswerCacheTest, CachesTheWholeRankedListAndAnswersItsFirstK) {
  v1::RecommendationsResponse answer = CacheAndCut(*cache_, key_, 7, Ranked({5, 6, 7, 8}), 2);
  EXPECT_EQ(Titles(answer), (std::vector<int64_t>{5, 6}));
  EXPECT_EQ(answer.model_id(), 7);
  EXPECT_EQ(answer.source(), v1::MODEL);
  EXPECT_FALSE(answer.from_cache());

  auto cached = ReadCachedAnswer(*cache_, key_, nothing_blocked_, 2, 4);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(Titles(*cached), (std::vector<int64_t>{5, 6}));
  EXPECT_TRUE(cached->from_cache());
}

TEST_F(AnswerCacheTest, AReadDropsTitlesBlockedSinceCachingAndStillAnswersK) {
  CacheAndCut(*cache_, key_, 7, Ranked({5, 6, 7, 8}), 2);
  const std::vector<int64_t> blocked = {5, 7};
  auto cached = ReadCachedAnswer(*cache_, key_, serving::ExcludedTitlesFilter(blocked), 2, 4);
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(Titles(*cached), (std::vector<int64_t>{6, 8}));
}

TEST_F(AnswerCacheTest, TooFewLeftAfterTheBlacklistMeansComputeAfreshUnlessTheListWasTheWholeCatalog) {
  CacheAndCut(*cache_, key_, 7, Ranked({5, 6, 7, 8}), 2);
  const std::vector<int64_t> blocked = {5, 6, 7};
  EXPECT_FALSE(ReadCachedAnswer(*cache_, key_, serving::ExcludedTitlesFilter(blocked), 2, 4).has_value());
  // A list shorter than computed was the whole catalog: what remains is the answer.
  auto whole = ReadCachedAnswer(*cache_, key_, serving::ExcludedTitlesFilter(blocked), 2, 5);
  ASSERT_TRUE(whole.has_value());
  EXPECT_EQ(Titles(*whole), (std::vector<int64_t>{8}));
}

TEST_F(AnswerCacheTest, NothingCachedIsAMiss) {
  EXPECT_FALSE(ReadCachedAnswer(*cache_, key_, nothing_blocked_, 2, 4).has_value());
}

TEST(AnswerVariantTest, NamesKSeenAndAStableHashOfTheExclusions) {
  EXPECT_EQ(AnswerVariant(10, true, {}), "k10:s1");
  const std::vector<int64_t> excluded = {1, 2};
  EXPECT_EQ(AnswerVariant(10, false, excluded), AnswerVariant(10, false, excluded));
  EXPECT_NE(AnswerVariant(10, false, excluded), AnswerVariant(10, false, std::vector<int64_t>{1, 3}));
  EXPECT_TRUE(AnswerVariant(10, false, excluded).starts_with("k10:s0:x"));
}

TEST(ToResponseTest, KeepsTheCandidatesOrderAndScores) {
  v1::RecommendationsResponse answer = ToResponse(Ranked({3, 1}), v1::POPULAR, 9);
  EXPECT_EQ(Titles(answer), (std::vector<int64_t>{3, 1}));
  EXPECT_FLOAT_EQ(answer.items(1).score(), 9.0f);
  EXPECT_EQ(answer.source(), v1::POPULAR);
  EXPECT_EQ(answer.model_id(), 9);
}

}  // namespace
}  // namespace vitrina::server
