// The embedding stand-in over the model's HNSW graph of similar titles (catalogs above
// serving.ann.min_titles): its next titles come from the graph, rescored exactly, and hold what
// the exact pass holds. A graph of another model answers other titles, which shows the graph is
// what answers.
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "serving/ann_index.h"
#include "serving/filter_chain.h"
#include "sessions/next_title_model.h"
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

}  // namespace
}  // namespace vitrina::sessions
