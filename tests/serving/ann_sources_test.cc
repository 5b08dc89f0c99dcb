// The ANN sources against the exact ones on a planted catalog: recall, exact scores, over-fetch
// under filters that reject most titles, the exact fallback, and answers of k titles.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include "serving/ann_index.h"
#include "serving/ann_sources.h"
#include "serving/filter_chain.h"
#include "serving/model_sources.h"
#include "tests/serving/planted_model.h"

namespace vitrina::serving {
namespace {

constexpr int kTitles = 3000;
constexpr int kUsers = 60;

class PredicateFilter final : public CandidateFilter {
 public:
  explicit PredicateFilter(std::function<bool(int64_t)> rejects) : rejects_(std::move(rejects)) {}
  bool Rejects(int64_t title_id) const override {
    ++calls_;
    return rejects_(title_id);
  }
  mutable int calls_ = 0;

 private:
  std::function<bool(int64_t)> rejects_;
};

std::vector<int64_t> SortedTitles(const std::vector<Candidate>& candidates) {
  std::vector<int64_t> titles;
  for (const Candidate& candidate : candidates) titles.push_back(candidate.title_id);
  std::sort(titles.begin(), titles.end());
  return titles;
}

double Overlap(const std::vector<Candidate>& a, const std::vector<Candidate>& b) {
  std::vector<int64_t> left = SortedTitles(a), right = SortedTitles(b), common;
  std::set_intersection(left.begin(), left.end(), right.begin(), right.end(), std::back_inserter(common));
  return static_cast<double>(common.size());
}

class AnnSourcesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = new trainer::Model(testing::MakePlantedModel(kTitles, kUsers, 16, 30, 7));
    AnnConfig config;
    config.ef_search = 64;
    absl::StatusOr<ModelAnnIndex> built = ModelAnnIndex::Build(*model_, config, 1);
    ASSERT_TRUE(built.ok()) << built.status();
    index_ = new ModelAnnIndex(std::move(built).value());
  }
  static void TearDownTestSuite() {
    delete index_;
    delete model_;
  }
  static trainer::Model* model_;
  static ModelAnnIndex* index_;
};
trainer::Model* AnnSourcesTest::model_ = nullptr;
ModelAnnIndex* AnnSourcesTest::index_ = nullptr;

TEST_F(AnnSourcesTest, PersonalRecallAgainstTheExactPassWithTheExactScores) {
  double hits = 0;
  for (int32_t user = 0; user < kUsers; ++user) {
    auto ann = AnnPersonalSource(*model_, index_->personal(), user).Fetch(10, FilterChain());
    auto exact = PersonalRankingSource(*model_, user).Fetch(10, FilterChain());
    ASSERT_TRUE(ann.ok() && exact.ok());
    ASSERT_EQ(ann->size(), 10u);
    EXPECT_EQ(ann->front().source, AnnPersonalSource::kName);
    hits += Overlap(*ann, *exact);
    // Rescored by the exact pass's own dot product: a title shared by both answers has one score.
    for (const Candidate& candidate : *ann) {
      auto same = std::find_if(exact->begin(), exact->end(), [&](const Candidate& c) { return c.title_id == candidate.title_id; });
      if (same != exact->end()) {
        EXPECT_EQ(same->score, candidate.score);
      }
    }
    EXPECT_TRUE(std::is_sorted(ann->begin(), ann->end(), [](const Candidate& a, const Candidate& b) { return a.score > b.score; }));
  }
  EXPECT_GE(hits / (kUsers * 10), 0.98);
}

// A row that is no trained user's (a real-time update moved it, or features placed the user):
// the graph answers it as well as a trained one.
TEST_F(AnnSourcesTest, AUserRowGivenByTheCallerHasTheRecallOfATrainedOne) {
  const auto& users = model_->serving().users();
  double hits = 0;
  for (int32_t user = 0; user + 1 < kUsers; ++user) {
    // Between two users, the kind of row an update or a feature sum gives.
    std::vector<float> row(static_cast<size_t>(users.cols()));
    for (Eigen::Index c = 0; c < users.cols(); ++c) row[c] = 0.7f * users(user, c) + 0.3f * users(user + 1, c);
    auto ann = AnnUserRowSource(*model_, index_->personal(), row).Fetch(10, FilterChain());
    auto exact = UserRowRankingSource(*model_, row).Fetch(10, FilterChain());
    ASSERT_TRUE(ann.ok() && exact.ok());
    ASSERT_EQ(ann->size(), 10u);
    EXPECT_EQ(ann->front().source, AnnUserRowSource::kName);
    hits += Overlap(*ann, *exact);
  }
  EXPECT_GE(hits / ((kUsers - 1) * 10), 0.98);
  // A row of another width is not searched: the exact source says what is wrong with it.
  EXPECT_FALSE(AnnUserRowSource(*model_, index_->personal(), std::vector<float>(3, 1.0f)).Fetch(10, FilterChain()).ok());
}

TEST_F(AnnSourcesTest, SimilarRecallAgainstTheExactPassWithoutTheTitleItself) {
  double hits = 0;
  for (int32_t item = 0; item < 60; ++item) {
    auto ann = AnnSimilarSource(*model_, index_->similar(), item).Fetch(10, FilterChain());
    auto exact = SimilarTitlesSource(*model_, item).Fetch(10, FilterChain());
    ASSERT_TRUE(ann.ok() && exact.ok());
    ASSERT_EQ(ann->size(), 10u);
    for (const Candidate& candidate : *ann) EXPECT_NE(candidate.title_id, item);
    hits += Overlap(*ann, *exact);
  }
  EXPECT_GE(hits / 600, 0.98);
}

TEST_F(AnnSourcesTest, OverFetchesWhileAFilterRejectsMostTitles) {
  // 9 titles in 10 rejected: the first round (52 titles) leaves about 5, so the source must ask
  // the graph again for more.
  const PredicateFilter most_rejected([](int64_t title) { return title % 10 != 0; });
  const PredicateFilter same_for_exact([](int64_t title) { return title % 10 != 0; });
  double hits = 0;
  for (int32_t user = 0; user < 20; ++user) {
    auto ann = AnnPersonalSource(*model_, index_->personal(), user).Fetch(10, most_rejected);
    auto exact = PersonalRankingSource(*model_, user).Fetch(10, same_for_exact);
    ASSERT_TRUE(ann.ok() && exact.ok());
    ASSERT_EQ(ann->size(), 10u) << "user " << user;
    EXPECT_EQ(ann->front().source, AnnPersonalSource::kName) << "the graph answered, no fallback";
    for (const Candidate& candidate : *ann) EXPECT_EQ(candidate.title_id % 10, 0);
    hits += Overlap(*ann, *exact);
  }
  EXPECT_GT(most_rejected.calls_, 20 * 52) << "more than one round per call";
  // The tenth surviving title lies about 100 deep in the unfiltered ranking, where the graph is
  // less exact than at its head (0.93 measured with M 32; 0.80 with M 16).
  EXPECT_GE(hits / 200, 0.9);
}

TEST_F(AnnSourcesTest, FallsBackToTheExactPassWhenTooFewSurvive) {
  // Only 8 titles pass (3, 403, ..., 2803): no round the policy allows finds 10, so the exact pass answers, with
  // every title there is.
  const PredicateFilter nearly_all_rejected([](int64_t title) { return title % 400 != 3; });
  for (int32_t user = 0; user < 5; ++user) {
    auto ann = AnnPersonalSource(*model_, index_->personal(), user).Fetch(10, nearly_all_rejected);
    auto exact = PersonalRankingSource(*model_, user).Fetch(10, nearly_all_rejected);
    ASSERT_TRUE(ann.ok() && exact.ok());
    EXPECT_EQ(ann->size(), 8u);
    EXPECT_EQ(ann->front().source, PersonalRankingSource::kName);
    EXPECT_EQ(SortedTitles(*ann), SortedTitles(*exact));
  }
  auto similar = AnnSimilarSource(*model_, index_->similar(), 3).Fetch(10, nearly_all_rejected);
  ASSERT_TRUE(similar.ok());
  EXPECT_EQ(similar->size(), 7u) << "title 3 itself is left out";
  EXPECT_EQ(similar->front().source, SimilarTitlesSource::kName);
}

TEST_F(AnnSourcesTest, AnswersHoldKTitlesWheneverTheCatalogAllows) {
  for (int keep_one_in : {1, 2, 5, 20, 50, 100, 300}) {
    const PredicateFilter filter([keep_one_in](int64_t title) { return title % keep_one_in != 0; });
    const int allowed = (kTitles + keep_one_in - 1) / keep_one_in;
    for (int k : {1, 10, 30}) {
      auto ann = AnnPersonalSource(*model_, index_->personal(), 0).Fetch(k, filter);
      ASSERT_TRUE(ann.ok());
      EXPECT_EQ(static_cast<int>(ann->size()), std::min(k, allowed)) << "1 in " << keep_one_in << ", k " << k;
      for (const Candidate& candidate : *ann) EXPECT_FALSE(filter.Rejects(candidate.title_id));
    }
  }
}

}  // namespace
}  // namespace vitrina::serving
