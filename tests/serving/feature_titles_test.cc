// Titles placed by their features (LightFM's representation of an entity the model was not
// trained on: the sum of its features' embeddings), on a model whose every vector is known.
#include "serving/feature_titles.h"

#include <gtest/gtest.h>

#include <vector>

#include "serving/attribute_filter.h"
#include "serving/filter_chain.h"
#include "tests/serving/tiny_model.h"

namespace vitrina::serving {
namespace {

using testing::Titles;

class FeatureTitlesTest : public ::testing::Test {
 protected:
  FeatureTitlesTest() {
    testing::TinyModelSpec spec;
    spec.user_ids = {100};
    spec.user_vectors = {{1, 0.5f}};
    spec.title_ids = {10, 11};
    spec.title_vectors = {{1, 0}, {0, 1}};
    spec.creators = {{10, {"ann"}}, {11, {"bob"}}};
    spec.creator_vectors = {{"ann", {2, 0}}, {"bob", {0, 2}}};
    spec.genres = {{10, {"drama"}}};
    model_ = std::make_unique<trainer::Model>(testing::MakeTinyModel(spec));
    auto title = [](int64_t id, std::vector<std::string> genres, std::vector<std::string> creators,
                    bool available = true) {
      data::TitleRecord record;
      record.id = id;
      record.genres = std::move(genres);
      record.creators = std::move(creators);
      record.available = available;
      return record;
    };
    const std::vector<data::TitleRecord> catalog = {
        title(10, {}, {"ann"}),                       // the model's own
        title(50, {}, {"ann"}),                       // by ann
        title(51, {"drama"}, {"ann", "bob"}),         // by both
        title(52, {"western"}, {"zed"}),              // nothing the model knows
        title(53, {}, {"bob"}, /*available=*/false),  // unavailable
    };
    titles_ = FeatureTitles::Build(*model_, catalog);
  }

  std::unique_ptr<trainer::Model> model_;
  FeatureTitles titles_;
};

TEST_F(FeatureTitlesTest, RepresentationIsTheSumOfTheFeatureEmbeddings) {
  ASSERT_EQ(titles_.size(), 2) << "the model's own, unplaceable and unavailable titles are left out";
  ASSERT_TRUE(titles_.Index(50).has_value());
  ASSERT_TRUE(titles_.Index(51).has_value());
  EXPECT_FALSE(titles_.Index(10).has_value());
  EXPECT_FALSE(titles_.Index(52).has_value());
  EXPECT_FALSE(titles_.Index(53).has_value());
  // [embedding, bias, 1]: ann's (2, 0); ann + bob + drama's zero vector = (2, 2).
  const auto by_ann = titles_.ScoreRow(*titles_.Index(50));
  EXPECT_EQ(std::vector<float>(by_ann.begin(), by_ann.end()), (std::vector<float>{2, 0, 0, 1}));
  const auto by_both = titles_.ScoreRow(*titles_.Index(51));
  EXPECT_EQ(std::vector<float>(by_both.begin(), by_both.end()), (std::vector<float>{2, 2, 0, 1}));
  const auto unit = titles_.UnitRow(*titles_.Index(51));
  EXPECT_NEAR(unit[0], 0.70710678f, 1e-6);
  EXPECT_NEAR(unit[1], 0.70710678f, 1e-6);
}

TEST_F(FeatureTitlesTest, RankedForAUserAndBySimilarity) {
  const auto& users = model_->serving().users();
  const std::span<const float> user(users.row(0).data(), static_cast<size_t>(users.cols()));
  FilterChain none;
  // User (1, 0.5): by ann scores 2, by both 3.
  auto personal = FeatureTitlesSource(titles_, user, FeatureTitlesSource::Space::kScore).Fetch(5, none);
  ASSERT_TRUE(personal.ok()) << personal.status();
  EXPECT_EQ(Titles(*personal), (std::vector<int64_t>{51, 50}));
  EXPECT_FLOAT_EQ(personal->front().score, 3.0f);
  EXPECT_EQ(personal->front().source, FeatureTitlesSource::kName);

  // Similar to "by ann" (unit (1, 0)): the model's title 10, (3, 0), before 11, (0, 3).
  const std::span<const float> by_ann = titles_.UnitRow(*titles_.Index(50));
  auto similar = UnitRowSimilarSource(*model_, by_ann).Fetch(2, none);
  ASSERT_TRUE(similar.ok()) << similar.status();
  EXPECT_EQ(Titles(*similar), (std::vector<int64_t>{10, 11}));
  EXPECT_NEAR(similar->front().score, 1.0f, 1e-3);  // the half-precision pass, rescored exactly
  // Among the new titles, itself left out.
  auto others = FeatureTitlesSource(titles_, by_ann, FeatureTitlesSource::Space::kCosine, 50).Fetch(5, none);
  ASSERT_TRUE(others.ok());
  EXPECT_EQ(Titles(*others), (std::vector<int64_t>{51}));
}

TEST_F(FeatureTitlesTest, AttributeFiltersReadTheNewTitlesFeatures) {
  const trainer::CsrMatrix side = model_->dataset().items().SideFeatureMatrix();
  const AttributeFilter by_bob(*model_, side, {.creators_any = {"bob"}}, &titles_);
  EXPECT_TRUE(by_bob.Rejects(50));
  EXPECT_FALSE(by_bob.Rejects(51));
  EXPECT_FALSE(by_bob.Rejects(11));
  EXPECT_TRUE(by_bob.Rejects(52)) << "not placed: no known attributes";
  const AttributeFilter no_drama(*model_, side, {.genres_none = {"drama"}}, &titles_);
  EXPECT_FALSE(no_drama.Rejects(50));
  EXPECT_TRUE(no_drama.Rejects(51));
  EXPECT_TRUE(no_drama.Rejects(10));
  // Without the new titles, an any-of filter knows nothing of them.
  const AttributeFilter blind(*model_, side, {.creators_any = {"bob"}});
  EXPECT_TRUE(blind.Rejects(51));
}

}  // namespace
}  // namespace vitrina::serving
