#include "serving/ranking.h"

#include <gtest/gtest.h>

#include "serving/excluded_titles_filter.h"
#include "tests/serving/tiny_model.h"

namespace vitrina::serving {
namespace {

using testing::Titles;

TEST(RankAndCutTest, MergesSourcesBestScoreFirstKeepsEachTitleOnceAndCuts) {
  std::vector<Candidate> candidates = {
      {.title_id = 1, .score = 0.5f, .source = "a"}, {.title_id = 2, .score = 0.9f, .source = "a"},
      {.title_id = 1, .score = 0.7f, .source = "b"}, {.title_id = 3, .score = 0.1f, .source = "b"}};
  std::vector<Candidate> ranked = RankAndCut(candidates, 10);
  EXPECT_EQ(Titles(ranked), (std::vector<int64_t>{2, 1, 3}));
  EXPECT_EQ(ranked[1].source, "b");  // title 1's best entry
  EXPECT_EQ(Titles(RankAndCut(candidates, 2)), (std::vector<int64_t>{2, 1}));
  EXPECT_TRUE(RankAndCut(candidates, 0).empty());
}

TEST(RankAndCutTest, EqualScoresKeepTheSourcesOrder) {
  std::vector<Candidate> candidates = {{.title_id = 9, .score = 1}, {.title_id = 4, .score = 1}, {.title_id = 6, .score = 1}};
  EXPECT_EQ(Titles(RankAndCut(candidates, 3)), (std::vector<int64_t>{9, 4, 6}));
}

TEST(DropRejectedTest, KeepsTheOrderOfWhatRemains) {
  std::vector<Candidate> candidates = {{.title_id = 3}, {.title_id = 1}, {.title_id = 2}};
  const std::vector<int64_t> excluded = {1};
  DropRejected(candidates, ExcludedTitlesFilter(excluded));
  EXPECT_EQ(Titles(candidates), (std::vector<int64_t>{3, 2}));
}

}  // namespace
}  // namespace vitrina::serving
