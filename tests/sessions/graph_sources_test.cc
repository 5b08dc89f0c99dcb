// The embedding stand-in over the model's HNSW graph of similar titles (catalogs above
// serving.ann.min_titles): its next titles come from the graph, rescored exactly, and hold what
// the exact pass holds. A graph of another model answers other titles, which shows the graph is
// what answers. The same for a new user's personal list, whose first cut comes from the graph of
// title vectors and which a walk past that cut completes exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "serving/ann_index.h"
#include "serving/filter_chain.h"
#include "sessions/next_title_model.h"
#include "sessions/session_sources.h"
#include "tests/serving/planted_model.h"

namespace vitrina::sessions {
namespace {

constexpr int kTitles = 3000;
constexpr int kUsers = 40;

std::vector<int64_t> Sorted(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

int Common(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  std::vector<int64_t> left = Sorted(a), right = Sorted(b), common;
  std::set_intersection(left.begin(), left.end(), right.begin(), right.end(), std::back_inserter(common));
  return static_cast<int>(common.size());
}

std::vector<int64_t> NextOf(const NextTitleModel& model, int64_t title) {
  const serving::FilterChain nothing;
  absl::StatusOr<std::vector<serving::Candidate>> fetched = model.NextTitles(title, 10, nothing);
  EXPECT_TRUE(fetched.ok()) << fetched.status();
  std::vector<int64_t> ids;
  if (fetched.ok()) {
    for (const serving::Candidate& candidate : *fetched) ids.push_back(candidate.title_id);
  }
  return ids;
}

class GraphSourcesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new trainer::Model(serving::testing::MakePlantedModel(kTitles, kUsers, 16, 30, 7));
    other_ = new trainer::Model(serving::testing::MakePlantedModel(kTitles, kUsers, 16, 30, 8));
    serving::AnnConfig config;
    config.ef_search = 64;
    own_ = new serving::ModelAnnIndex(*serving::ModelAnnIndex::Build(*model_, config, 1));
    foreign_ = new serving::ModelAnnIndex(*serving::ModelAnnIndex::Build(*other_, config, 1));
  }
  static void TearDownTestSuite() {
    delete own_;
    delete foreign_;
    delete model_;
    delete other_;
  }

  static trainer::Model* model_;
  static trainer::Model* other_;
  static serving::ModelAnnIndex* own_;
  static serving::ModelAnnIndex* foreign_;
};

trainer::Model* GraphSourcesTest::model_ = nullptr;
trainer::Model* GraphSourcesTest::other_ = nullptr;
serving::ModelAnnIndex* GraphSourcesTest::own_ = nullptr;
serving::ModelAnnIndex* GraphSourcesTest::foreign_ = nullptr;

TEST_F(GraphSourcesTest, TheStandInsNextTitlesFromTheGraphHoldTheExactOnes) {
  const EmbeddingNextTitles exact(*model_);
  const EmbeddingNextTitles graph(*model_, &own_->similar());
  const EmbeddingNextTitles foreign(*model_, &foreign_->similar());
  int common = 0, foreign_common = 0, asked = 0;
  for (int64_t title = 0; title < kTitles; title += 50) {
    const std::vector<int64_t> expected = NextOf(exact, title);
    common += Common(NextOf(graph, title), expected);
    foreign_common += Common(NextOf(foreign, title), expected);
    asked += static_cast<int>(expected.size());
  }
  ASSERT_GT(asked, 0);
  EXPECT_GE(common, 0.95 * asked);
  EXPECT_LT(foreign_common, 0.5 * asked) << "another model's graph must give other titles";
}

// User `user`'s exact personal list of `length` titles.
std::vector<int64_t> ExactList(const trainer::Model& model, int32_t user, int length) {
  std::vector<int64_t> ids;
  absl::StatusOr<std::vector<trainer::ScoredIndex>> ranked = model.TopItemsForUser(user, length, [](int32_t) { return false; });
  EXPECT_TRUE(ranked.ok()) << ranked.status();
  if (!ranked.ok()) return ids;
  for (const trainer::ScoredIndex& hit : *ranked) ids.push_back(model.dataset().items().ids().IdAt(hit.index));
  return ids;
}

std::vector<int64_t> Walk(const PersonalListSource& list, int start, int limit) {
  const serving::FilterChain nothing;
  std::vector<int64_t> ids;
  PersonalListSource walked = list;
  walked.set_start(start);
  absl::StatusOr<std::vector<serving::Candidate>> fetched = walked.Fetch(limit, nothing);
  EXPECT_TRUE(fetched.ok()) << fetched.status();
  if (fetched.ok()) {
    for (const serving::Candidate& candidate : *fetched) ids.push_back(candidate.title_id);
  }
  return ids;
}

TEST_F(GraphSourcesTest, ANewUsersListStartsAsTheGraphsFirstCutAndAWalkPastItCompletesItKeepingItsHead) {
  constexpr int kLength = 500;
  constexpr int kCut = PersonalListSource::kFirstCut;
  int common = 0, foreign_common = 0;
  for (int32_t user = 0; user < kUsers; user += 4) {
    const std::vector<int64_t> exact = ExactList(*model_, user, kLength);
    const std::vector<int64_t> exact_head(exact.begin(), exact.begin() + kCut);
    PersonalListCache cache;
    absl::StatusOr<PersonalListSource> list = PersonalListSource::Create(*model_, user, kLength, &cache, &own_->personal());
    ASSERT_TRUE(list.ok()) << list.status();
    ASSERT_EQ(list->size(), kCut) << "a first cut, not a pass over every title";
    const std::vector<int64_t> head = Walk(*list, 0, kCut);
    ASSERT_EQ(head.size(), static_cast<size_t>(kCut));
    EXPECT_EQ(list->size(), kCut) << "a walk within the cut leaves it a cut";
    common += Common(head, exact_head);
    absl::StatusOr<PersonalListSource> foreign = PersonalListSource::Create(*model_, user, kLength, nullptr, &foreign_->personal());
    ASSERT_TRUE(foreign.ok());
    foreign_common += Common(Walk(*foreign, 0, kCut), exact_head);

    // A walk past the cut completes the list: the cut, then the exact list's other titles.
    const std::vector<int64_t> walked = Walk(*list, kCut - 5, 20);
    std::vector<int64_t> completed = head;
    for (int64_t title : exact) {
      if (std::find(head.begin(), head.end(), title) == head.end()) completed.push_back(title);
    }
    completed.resize(kLength);
    EXPECT_EQ(walked, std::vector<int64_t>(completed.begin() + kCut - 5, completed.begin() + kCut + 15));
    EXPECT_EQ(Walk(*list, 0, kLength), completed);
    // The cache holds the completed list for the user's next call.
    absl::StatusOr<PersonalListSource> again = PersonalListSource::Create(*model_, user, kLength, &cache, &own_->personal());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->size(), kLength);
    EXPECT_EQ(Walk(*again, 0, kLength), completed);
  }
  const int asked = kCut * ((kUsers + 3) / 4);
  EXPECT_GE(common, 0.95 * asked) << "the first cut is the exact head, bar the graph's few misses";
  EXPECT_LT(foreign_common, 0.5 * asked) << "another model's graph must give other titles";
}

TEST_F(GraphSourcesTest, ThePositionOfATitleBeyondTheFirstCutCompletesTheList) {
  constexpr int kLength = 500;
  const int32_t user = 3;
  const std::vector<int64_t> exact = ExactList(*model_, user, kLength);
  absl::StatusOr<PersonalListSource> list = PersonalListSource::Create(*model_, user, kLength, nullptr, &own_->personal());
  ASSERT_TRUE(list.ok());
  const std::vector<int64_t> head = Walk(*list, 0, PersonalListSource::kFirstCut);
  absl::StatusOr<std::optional<int>> first = list->PositionOf(head.front());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 0);
  EXPECT_EQ(list->size(), PersonalListSource::kFirstCut) << "a title of the cut is found in it";
  const int64_t deep = exact[400];
  absl::StatusOr<std::optional<int>> position = list->PositionOf(deep);
  ASSERT_TRUE(position.ok());
  ASSERT_TRUE(position->has_value()) << "the exact list holds it, so the completed list does";
  EXPECT_EQ(list->size(), kLength);
  EXPECT_EQ(Walk(*list, **position, 1), std::vector<int64_t>{deep});
  absl::StatusOr<std::optional<int>> absent = list->PositionOf(-1);  // no title
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent->has_value());
}

TEST_F(GraphSourcesTest, WithoutAGraphAListIsTheExactOneAtOnce) {
  constexpr int kLength = 500;
  for (int32_t user : {0, 7}) {
    absl::StatusOr<PersonalListSource> list = PersonalListSource::Create(*model_, user, kLength);
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->size(), kLength);
    EXPECT_EQ(Walk(*list, 0, kLength), ExactList(*model_, user, kLength));
  }
}

}  // namespace
}  // namespace vitrina::sessions
