// The candidate sources: what each one ranks, that filters apply before the cut, and that every
// candidate names its source.
#include <gtest/gtest.h>

#include <vector>

#include "serving/excluded_titles_filter.h"
#include "serving/filter_chain.h"
#include "serving/model_sources.h"
#include "serving/popular_source.h"
#include "tests/serving/tiny_model.h"

namespace vitrina::serving {
namespace {

using testing::Titles;

class ModelSourcesTest : public ::testing::Test {
 protected:
  ModelSourcesTest() {
    testing::TinyModelSpec spec;
    spec.user_ids = {100};
    spec.user_vectors = {{1, 0}};
    // Scores for user 100 are the first components: 13 > 12 > 11 > 10.
    spec.title_ids = {10, 11, 12, 13};
    spec.title_vectors = {{0.1f, 1}, {0.5f, 1}, {2, 0.1f}, {3, 0}};
    model_ = std::make_unique<trainer::Model>(testing::MakeTinyModel(spec));
  }
  std::unique_ptr<trainer::Model> model_;
};

TEST_F(ModelSourcesTest, PersonalRankingIsTheUsersScoresBestFirst) {
  const PersonalRankingSource source(*model_, *model_->UserIndex(100));
  auto candidates = source.Fetch(3, FilterChain());
  ASSERT_TRUE(candidates.ok()) << candidates.status().message();
  EXPECT_EQ(Titles(*candidates), (std::vector<int64_t>{13, 12, 11}));
  EXPECT_FLOAT_EQ((*candidates)[0].score, 3.0f);
  EXPECT_FLOAT_EQ((*candidates)[2].score, 0.5f);
  for (const Candidate& candidate : *candidates) {
    EXPECT_EQ(candidate.source, "personal");
    EXPECT_EQ(candidate.probability, 1.0);
  }
}

TEST_F(ModelSourcesTest, PersonalRankingFiltersBeforeTheCut) {
  const PersonalRankingSource source(*model_, *model_->UserIndex(100));
  const std::vector<int64_t> excluded_ids = {13, 11};
  const ExcludedTitlesFilter excluded(excluded_ids);
  auto candidates = source.Fetch(2, excluded);
  ASSERT_TRUE(candidates.ok());
  EXPECT_EQ(Titles(*candidates), (std::vector<int64_t>{12, 10}));
}

TEST_F(ModelSourcesTest, PersonalRankingOfAnUnknownUserIndexIsAnError) {
  EXPECT_FALSE(PersonalRankingSource(*model_, 5).Fetch(2, FilterChain()).ok());
}

TEST_F(ModelSourcesTest, SimilarTitlesRankByCosineAndLeaveTheTitleOut) {
  // Cosines to title 13 (3, 0): 12 ~ 0.999, 11 ~ 0.447, 10 ~ 0.0995.
  const SimilarTitlesSource source(*model_, *model_->ItemIndex(13));
  auto candidates = source.Fetch(10, FilterChain());
  ASSERT_TRUE(candidates.ok());
  EXPECT_EQ(Titles(*candidates), (std::vector<int64_t>{12, 11, 10}));
  EXPECT_NEAR((*candidates)[1].score, 0.5f / std::sqrt(1.25f), 1e-5);
  EXPECT_EQ((*candidates)[0].source, "similar");

  const std::vector<int64_t> excluded_ids = {12};
  auto filtered = source.Fetch(1, ExcludedTitlesFilter(excluded_ids));
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(Titles(*filtered), (std::vector<int64_t>{11}));
}

TEST(PopularSourceTest, WalksThePopularityRankingSkippingRejectedTitles) {
  const std::vector<data::TitlePopularity> ranking = {{5, 9.0}, {3, 7.5}, {8, 2.0}, {1, 1.0}};
  const PopularSource source(ranking);
  const std::vector<int64_t> excluded_ids = {3};
  auto candidates = source.Fetch(2, ExcludedTitlesFilter(excluded_ids));
  ASSERT_TRUE(candidates.ok());
  EXPECT_EQ(Titles(*candidates), (std::vector<int64_t>{5, 8}));
  EXPECT_FLOAT_EQ((*candidates)[1].score, 2.0f);
  EXPECT_EQ((*candidates)[1].source, "popular");
  EXPECT_EQ(source.Fetch(10, FilterChain())->size(), 4u);
  EXPECT_TRUE(source.Fetch(0, FilterChain())->empty());
}

}  // namespace
}  // namespace vitrina::serving
