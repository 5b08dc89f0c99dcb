// Attribute filters on genres and creators (any-of, none-of), read from the model's title
// features, and applied before the cut by the exact and the ANN sources alike.
#include <gtest/gtest.h>

#include <vector>

#include "serving/ann_index.h"
#include "serving/ann_sources.h"
#include "serving/attribute_filter.h"
#include "serving/filter_chain.h"
#include "serving/model_sources.h"
#include "tests/serving/tiny_model.h"

namespace vitrina::serving {
namespace {

using testing::Titles;

class AttributeFilterTest : public ::testing::Test {
 protected:
  AttributeFilterTest() {
    testing::TinyModelSpec spec;
    spec.user_ids = {100};
    spec.user_vectors = {{1, 0}};
    // The user's scores: 15 > 14 > 13 > 12 > 11 > 10.
    spec.title_ids = {10, 11, 12, 13, 14, 15};
    spec.title_vectors = {{1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}, {6, 0}};
    spec.genres = {{10, {"drama"}}, {11, {"comedy"}}, {12, {"drama", "comedy"}}, {13, {"horror"}}, {15, {"drama"}}};
    spec.creators = {{10, {"ann"}}, {12, {"bob"}}, {15, {"bob"}}};
    spec.creator_vectors = {{"ann", {0, 0}}, {"bob", {0, 0}}};
    model_ = std::make_unique<trainer::Model>(testing::MakeTinyModel(spec));
    side_ = model_->dataset().items().SideFeatureMatrix();
  }

  std::vector<int64_t> Passing(const AttributeSpec& spec) const {
    const AttributeFilter filter(*model_, side_, spec);
    std::vector<int64_t> passing;
    for (int64_t title : {10, 11, 12, 13, 14, 15, 99}) {
      if (!filter.Rejects(title)) passing.push_back(title);
    }
    return passing;
  }

  std::unique_ptr<trainer::Model> model_;
  trainer::CsrMatrix side_;
};

TEST_F(AttributeFilterTest, AnyOfKeepsTitlesWithOneOfTheNames) {
  EXPECT_EQ(Passing({.genres_any = {"drama"}}), (std::vector<int64_t>{10, 12, 15}));
  EXPECT_EQ(Passing({.genres_any = {"comedy", "horror"}}), (std::vector<int64_t>{11, 12, 13}));
  EXPECT_EQ(Passing({.creators_any = {"bob"}}), (std::vector<int64_t>{12, 15}));
  // Both lists must hold: a drama by bob.
  EXPECT_EQ(Passing({.genres_any = {"drama"}, .creators_any = {"bob"}}), (std::vector<int64_t>{12, 15}));
}

TEST_F(AttributeFilterTest, NoneOfDropsTitlesWithAnyOfTheNames) {
  EXPECT_EQ(Passing({.genres_none = {"drama"}}), (std::vector<int64_t>{11, 13, 14, 99}));
  EXPECT_EQ(Passing({.genres_none = {"comedy"}, .creators_none = {"ann"}}), (std::vector<int64_t>{13, 14, 15, 99}));
  EXPECT_EQ(Passing({.genres_any = {"drama"}, .creators_none = {"bob"}}), (std::vector<int64_t>{10}));
}

TEST_F(AttributeFilterTest, UnknownNamesAndTitles) {
  // A genre no title has: any-of matches nothing, none-of drops nothing.
  EXPECT_EQ(Passing({.genres_any = {"western"}}), (std::vector<int64_t>{}));
  EXPECT_EQ(Passing({.genres_none = {"western"}}), (std::vector<int64_t>{10, 11, 12, 13, 14, 15, 99}));
  // A name is matched whole: "dram" is not "drama", and a creator is not a genre.
  EXPECT_EQ(Passing({.genres_any = {"dram"}}), (std::vector<int64_t>{}));
  EXPECT_EQ(Passing({.genres_any = {"bob"}}), (std::vector<int64_t>{}));
  EXPECT_EQ(Passing({}), (std::vector<int64_t>{10, 11, 12, 13, 14, 15, 99}));
}

TEST_F(AttributeFilterTest, AppliedBeforeTheCutByTheExactAndTheAnnSources) {
  const AttributeFilter dramas(*model_, side_, {.genres_any = {"drama"}});
  auto exact = PersonalRankingSource(*model_, 0).Fetch(2, dramas);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(Titles(*exact), (std::vector<int64_t>{15, 12}));

  AnnConfig config;
  config.m = 4;
  absl::StatusOr<ModelAnnIndex> index = ModelAnnIndex::Build(*model_, config, 1);
  ASSERT_TRUE(index.ok()) << index.status();
  // Six titles: the graph's rounds cover the catalog, and the filter still applies before the cut.
  auto ann = AnnPersonalSource(*model_, index->personal(), 0).Fetch(2, dramas);
  ASSERT_TRUE(ann.ok());
  EXPECT_EQ(Titles(*ann), (std::vector<int64_t>{15, 12}));
  EXPECT_EQ(ann->front().source, AnnPersonalSource::kName);
  // Five asked, three dramas: the exact pass answers all there are.
  auto all_dramas = AnnPersonalSource(*model_, index->personal(), 0).Fetch(5, dramas);
  ASSERT_TRUE(all_dramas.ok());
  EXPECT_EQ(Titles(*all_dramas), (std::vector<int64_t>{15, 12, 10}));
}

}  // namespace
}  // namespace vitrina::serving
