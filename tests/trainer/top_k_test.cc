#include "trainer/top_k.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "trainer/random.h"

namespace vitrina::trainer {
namespace {

TEST(TopKTest, MatchesAFullSortWithExclusions) {
  Pcg32 rng(5, 0);
  std::vector<float> scores(5000);
  for (float& s : scores) s = static_cast<float>(rng.Below(1000));  // many ties
  auto excluded = [](int32_t i) { return i % 7 == 0; };
  std::vector<ScoredIndex> expected;
  for (int32_t i = 0; i < static_cast<int32_t>(scores.size()); ++i) {
    if (!excluded(i)) expected.push_back({i, scores[i]});
  }
  std::sort(expected.begin(), expected.end(), RanksBefore);
  expected.resize(25);
  EXPECT_EQ(TopK(scores, 25, excluded), expected);
}

TEST(TopKTest, AsksOnlyAboutCandidatesThatWouldEnter) {
  std::vector<float> descending(1000);
  std::iota(descending.rbegin(), descending.rend(), 0.0f);
  int asked = 0;
  const std::vector<ScoredIndex> top = TopK(descending, 10, [&](int32_t) {
    ++asked;
    return false;
  });
  EXPECT_EQ(asked, 10);  // nothing after the first ten beats the heap's worst
  ASSERT_EQ(top.size(), 10u);
  EXPECT_EQ(top.front().index, 0);
  EXPECT_EQ(top.back().index, 9);
}

TEST(TopKTest, HandlesSmallInputsTiesAndNan) {
  const std::vector<float> scores = {1.0f, std::nanf(""), 3.0f, 3.0f};
  const std::vector<ScoredIndex> top = TopK(scores, 10);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0], (ScoredIndex{2, 3.0f}));
  EXPECT_EQ(top[1], (ScoredIndex{3, 3.0f}));  // equal scores: lower index first
  EXPECT_EQ(top[2], (ScoredIndex{0, 1.0f}));
  EXPECT_TRUE(TopK(scores, 0).empty());
  EXPECT_TRUE(TopK(std::vector<float>{}, 3).empty());
}

}  // namespace
}  // namespace vitrina::trainer
