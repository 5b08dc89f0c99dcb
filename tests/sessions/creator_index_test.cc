#include "sessions/creator_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "fmt/format.h"

#include "tests/serving/tiny_model.h"
#include "tests/sessions/six_titles_model.h"

namespace vitrina::sessions {
namespace {

using Vector = std::vector<float>;

double Cosine(const Vector& a, const Vector& b) {
  double dot = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa == 0 || bb == 0 ? 0 : dot / std::sqrt(aa * bb);
}

class CreatorIndexTest : public ::testing::Test {
 protected:
  CreatorIndexTest() {
    model_ = std::make_unique<trainer::Model>(serving::testing::MakeTinyModel(testing::SixTitlesByThreeCreators()));
    // What the model represents (title vector plus its creators' rows) and each title's mean
    // creator embedding, by hand.
    representation_ = {{1, 1}, {1.9f, 0.1f}, {1.8f, 1.3f}, {0, 2}, {-0.8f, 0.1f}, {0.5f, -0.2f}};
    creator_mean_ = {{0, 1}, {1, 0}, {0.5f, 0.5f}, {0, 1}, {-1, 0.5f}, {0, 0}};
  }

  double Blend(int32_t a, int32_t b, double alpha) const {
    return alpha * Cosine(representation_[a], representation_[b]) +
           (1 - alpha) * Cosine(creator_mean_[a], creator_mean_[b]);
  }

  std::unique_ptr<trainer::Model> model_;
  std::vector<Vector> representation_;
  std::vector<Vector> creator_mean_;
};

TEST_F(CreatorIndexTest, ReadsEachTitlesCreatorsFromTheItemFeatures) {
  const CreatorIndex index(*model_);
  EXPECT_EQ(index.CreatorsOfTitle(3), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(index.CreatorsOfTitle(1), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(index.CreatorsOfTitle(6).empty());
  EXPECT_TRUE(index.CreatorsOfTitle(999).empty());
  std::vector<int32_t> of_a(index.TitlesOf("a").begin(), index.TitlesOf("a").end());
  EXPECT_EQ(of_a, (std::vector<int32_t>{*model_->ItemIndex(1), *model_->ItemIndex(3), *model_->ItemIndex(4)}));
  EXPECT_TRUE(index.TitlesOf("nobody").empty());
}

TEST_F(CreatorIndexTest, CreatorIdsNameTheSameCreatorsAndTitlesAsTheNames) {
  const CreatorIndex index(*model_);
  ASSERT_EQ(index.creator_count(), 3);
  EXPECT_FALSE(index.CreatorId("nobody").has_value());
  for (int64_t title = 1; title <= 6; ++title) {
    std::vector<std::string> named;
    for (int32_t id : index.CreatorIdsOfTitle(title)) {
      std::span<const int32_t> titles = index.TitlesOfCreator(id);
      for (const std::string name : {"a", "b", "c"}) {
        if (index.CreatorId(name) == id) {
          named.push_back(name);
          EXPECT_TRUE(std::equal(titles.begin(), titles.end(), index.TitlesOf(name).begin(), index.TitlesOf(name).end()));
        }
      }
    }
    EXPECT_EQ(named, index.CreatorsOfTitle(title)) << title;
  }
  EXPECT_TRUE(index.CreatorIdsOfTitle(999).empty());
  EXPECT_TRUE(index.TitlesOfCreator(3).empty());
  EXPECT_TRUE(index.TitlesOfCreator(-1).empty());
}

TEST_F(CreatorIndexTest, TheBlendIsAlphaTitleCosinePlusTheRestCreatorCosineWithSeveralCreatorsAveraged) {
  ASSERT_EQ(model_->serving().items()(2, 0), 1.8f);  // the representation is what the test assumes
  const CreatorIndex index(*model_);
  for (double alpha : {0.9, 0.5, 0.0, 1.0}) {
    for (int32_t item = 0; item < 6; ++item) {
      std::vector<trainer::ScoredIndex> ranked = index.TopBlended(item, alpha, 10, [](int32_t) { return false; });
      ASSERT_EQ(ranked.size(), 5u) << "the title itself is left out";
      for (size_t i = 0; i < ranked.size(); ++i) {
        EXPECT_NE(ranked[i].index, item);
        EXPECT_NEAR(ranked[i].score, Blend(item, ranked[i].index, alpha), 1e-5) << item << " " << ranked[i].index;
        if (i > 0) {
          EXPECT_GE(ranked[i - 1].score, ranked[i].score);
        }
      }
    }
  }
}

TEST_F(CreatorIndexTest, TheCreatorTermChangesTheOrder) {
  const CreatorIndex index(*model_);
  const int32_t title_1 = *model_->ItemIndex(1);
  auto order = [&](double alpha) {
    std::vector<int64_t> titles;
    for (const auto& hit : index.TopBlended(title_1, alpha, 5, [](int32_t) { return false; })) {
      titles.push_back(model_->dataset().items().ids().IdAt(hit.index));
    }
    return titles;
  };
  // By the title cosine alone 2 comes before 4; 4 shares creator a with title 1, 2 does not.
  EXPECT_EQ(order(1.0), (std::vector<int64_t>{3, 2, 4, 6, 5}));
  EXPECT_EQ(order(0.9), (std::vector<int64_t>{3, 4, 2, 6, 5}));
  // The filter applies inside the selection.
  auto filtered = index.TopBlended(title_1, 0.9, 1, [&](int32_t i) { return i == *model_->ItemIndex(3); });
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].index, *model_->ItemIndex(4));
}

// On a catalog large enough for the shortlist (the title-cosine best 300, ranked by the blend),
// the answer equals the blend computed over every title when no title beyond the shortlist can
// reach the k best (here, as with trained embeddings, the k best cosines are far above the
// 300th), and k 400 (no shortlist: the catalog is not 4 x 1600 titles) is the full ranking.
TEST(CreatorIndexLargeTest, TheShortlistGivesTheExactBlendRanking) {
  constexpr int kTitles = 6000, kDims = 8, kCreators = 60;
  std::mt19937 random(5);
  std::normal_distribution<float> normal;
  serving::testing::TinyModelSpec spec;
  spec.components = kDims;
  spec.user_ids = {1};
  spec.user_vectors = {Vector(kDims, 1.0f)};
  std::vector<Vector> creator_vectors(kCreators, Vector(kDims));
  for (int c = 0; c < kCreators; ++c) {
    for (float& x : creator_vectors[c]) x = normal(random);
    spec.creator_vectors[fmt::format("c{}", c)] = creator_vectors[c];
  }
  std::vector<Vector> representation(kTitles, Vector(kDims));
  for (int t = 0; t < kTitles; ++t) {
    spec.title_ids.push_back(t);
    Vector title(kDims);
    for (float& x : title) x = normal(random);
    spec.title_vectors.push_back(title);
    const int creator = t % kCreators;
    spec.creators[t] = {fmt::format("c{}", creator)};
    for (int d = 0; d < kDims; ++d) representation[t][d] = title[d] + creator_vectors[creator][d];
  }
  const trainer::Model model = serving::testing::MakeTinyModel(spec);
  const CreatorIndex index(model);
  for (int k : {1, 10, 400}) {
    for (int64_t title : {0, 17, 5999}) {
      SCOPED_TRACE(fmt::format("k {} title {}", k, title));
      const auto excluded = [&](int32_t i) { return *model.ItemId(i) % 7 == 3; };
      std::vector<std::pair<double, int64_t>> expected;
      for (int64_t other = 0; other < kTitles; ++other) {
        if (other == title || other % 7 == 3) continue;
        const double blend = 0.9 * Cosine(representation[title], representation[other]) +
                             0.1 * Cosine(creator_vectors[title % kCreators], creator_vectors[other % kCreators]);
        expected.emplace_back(-blend, other);
      }
      std::sort(expected.begin(), expected.end());
      std::vector<trainer::ScoredIndex> ranked = index.TopBlended(*model.ItemIndex(title), 0.9, k, excluded);
      ASSERT_EQ(ranked.size(), static_cast<size_t>(k));
      for (int i = 0; i < k; ++i) {
        EXPECT_EQ(*model.ItemId(ranked[i].index), expected[i].second) << "rank " << i;
        EXPECT_NEAR(ranked[i].score, -expected[i].first, 1e-4) << "rank " << i;
      }
    }
  }
}

}  // namespace
}  // namespace vitrina::sessions
