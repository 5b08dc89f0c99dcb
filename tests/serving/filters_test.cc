// The answer path's filters: each one's rule, and the chain that joins them.
#include <gtest/gtest.h>

#include <vector>

#include "serving/blacklist_filter.h"
#include "serving/excluded_titles_filter.h"
#include "serving/filter_chain.h"
#include "serving/seen_filter.h"
#include "tests/serving/tiny_model.h"

namespace vitrina::serving {
namespace {

TEST(ExcludedTitlesFilterTest, RejectsExactlyTheListedTitlesAndKeepsThemSortedAndUnique) {
  const std::vector<int64_t> ids = {30, 10, 30, 20};
  const ExcludedTitlesFilter filter(ids);
  EXPECT_EQ(filter.sorted_ids(), (std::vector<int64_t>{10, 20, 30}));
  EXPECT_TRUE(filter.Rejects(10));
  EXPECT_TRUE(filter.Rejects(30));
  EXPECT_FALSE(filter.Rejects(15));
  EXPECT_FALSE(ExcludedTitlesFilter({}).Rejects(0));
}

TEST(BlacklistFilterTest, AUserAnswerHonoursGlobalAndOwnListsOnly) {
  blacklist::BlacklistEntry global;
  global.title_id = 1;
  blacklist::BlacklistEntry of_user_7;
  of_user_7.title_id = 2;
  of_user_7.user_id = 7;
  const blacklist::BlacklistSnapshot snapshot({global, of_user_7});
  const BlacklistFilter for_user_7(snapshot, 7);
  const BlacklistFilter for_user_8(snapshot, 8);
  const BlacklistFilter for_nobody(snapshot, std::nullopt);
  EXPECT_TRUE(for_user_7.Rejects(1));
  EXPECT_TRUE(for_user_7.Rejects(2));
  EXPECT_TRUE(for_user_8.Rejects(1));
  EXPECT_FALSE(for_user_8.Rejects(2));
  EXPECT_TRUE(for_nobody.Rejects(1));
  EXPECT_FALSE(for_nobody.Rejects(2));
  EXPECT_FALSE(for_user_7.Rejects(3));
}

TEST(SeenFilterTest, AModelUserSeesTheModelsConsumedSetAndRecentTitles) {
  testing::TinyModelSpec spec;
  spec.user_ids = {100, 101};
  spec.user_vectors = {{1, 0}, {0, 1}};
  spec.title_ids = {10, 11, 12, 13};
  spec.title_vectors = {{1, 0}, {0, 1}, {1, 1}, {0, 0}};
  spec.consumed = {{100, {11, 13}}, {101, {10}}};
  const trainer::Model model = testing::MakeTinyModel(spec);

  const SeenFilter seen = SeenFilter::ForModelUser(model, *model.UserIndex(100), {12});
  EXPECT_FALSE(seen.Rejects(10));
  EXPECT_TRUE(seen.Rejects(11));
  EXPECT_TRUE(seen.Rejects(12));
  EXPECT_TRUE(seen.Rejects(13));
  EXPECT_FALSE(seen.Rejects(99));  // unknown to the model: not seen
}

TEST(SeenFilterTest, AColdUserSeesTheSnapshotsColdConsumptionAndRecentTitles) {
  const std::vector<int64_t> cold = {5, 9};
  const SeenFilter seen = SeenFilter::ForColdUser(cold, {7});
  EXPECT_TRUE(seen.Rejects(5));
  EXPECT_TRUE(seen.Rejects(7));
  EXPECT_TRUE(seen.Rejects(9));
  EXPECT_FALSE(seen.Rejects(6));
  EXPECT_FALSE(SeenFilter::ForColdUser({}, {}).Rejects(5));
}

class RejectOne final : public CandidateFilter {
 public:
  explicit RejectOne(int64_t title) : title_(title) {}
  bool Rejects(int64_t title_id) const override { return title_id == title_; }

 private:
  int64_t title_;
};

TEST(FilterChainTest, RejectsWhatAnyFilterRejectsAndNothingWhenEmpty) {
  const RejectOne one(1);
  const RejectOne two(2);
  FilterChain chain{&one};
  chain.Add(&two);
  EXPECT_TRUE(chain.Rejects(1));
  EXPECT_TRUE(chain.Rejects(2));
  EXPECT_FALSE(chain.Rejects(3));
  EXPECT_FALSE(FilterChain().Rejects(1));
}

}  // namespace
}  // namespace vitrina::serving
