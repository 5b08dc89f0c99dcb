#include "simulation/catalog.h"

#include <gtest/gtest.h>

#include "data/demo_catalog.h"
#include "data/demo_data_source.h"
#include "tests/simulation/test_catalog.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::simulation {
namespace {

int GenreNamed(const Catalog& catalog, const std::string& name) {
  for (int genre : catalog.interest_genres()) {
    if (catalog.GenreName(genre) == name) return genre;
  }
  return -1;
}

TEST(CatalogTest, DistanceIsZeroInsideTheGenreAndGrowsWithRarerCoOccurrence) {
  absl::StatusOr<Catalog> catalog = Catalog::Build(testing::SmallTitles(), {0, 1, 2});
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  const int a = GenreNamed(*catalog, "a");
  ASSERT_GE(a, 0);
  EXPECT_DOUBLE_EQ(catalog->Distance(*catalog->Find(1), a), 0);
  EXPECT_DOUBLE_EQ(catalog->Distance(*catalog->Find(21), a), 0);
  // a and b share 5 of the 29 titles carrying either.
  EXPECT_DOUBLE_EQ(catalog->Distance(*catalog->Find(11), a), 24.0 / 29);
  EXPECT_DOUBLE_EQ(catalog->Distance(*catalog->Find(30), a), 1);
}

TEST(CatalogTest, InterestTitlesAreTheAvailableOnesInIdOrder) {
  absl::StatusOr<Catalog> catalog = Catalog::Build(testing::SmallTitles(), {5, 0, 5});
  ASSERT_TRUE(catalog.ok());
  const std::vector<int64_t>& a_titles = catalog->TitlesOfGenre(GenreNamed(*catalog, "a"));
  EXPECT_EQ(a_titles.front(), 1);
  EXPECT_EQ(a_titles.back(), 42);  // 50 is unavailable
  EXPECT_EQ(catalog->users(), (std::vector<int64_t>{0, 5}));
  EXPECT_EQ(catalog->Find(999), nullptr);
}

TEST(CatalogTest, RefusesACatalogNoListenerCouldBeInterestedIn) {
  EXPECT_EQ(Catalog::Build(testing::SmallTitles(), {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  data::TitleRecord untagged_title;
  untagged_title.id = 1;
  std::vector<data::TitleRecord> untagged = {untagged_title};
  EXPECT_EQ(Catalog::Build(untagged, {1}).status().code(), absl::StatusCode::kFailedPrecondition);
  data::TitleRecord tagged_title;
  tagged_title.id = 1;
  tagged_title.genres = {"a"};
  std::vector<data::TitleRecord> twice = {tagged_title, tagged_title};
  EXPECT_EQ(Catalog::Build(twice, {1}).status().code(), absl::StatusCode::kInvalidArgument);
}

// On a demo catalog, genres reconstruct the planted clusters: a title's own cluster's signature
// genres are close to it, other clusters' far.
TEST(CatalogTest, DemoClustersAreCloseInsideAndFarAcross) {
  ::vitrina::testing::TempDir dir;
  data::DemoCatalogSpec spec;
  spec.users = 50;
  spec.titles = 800;
  spec.interactions = 10;
  ASSERT_TRUE(data::GenerateDemoCatalog(dir.File("catalog.db"), spec).ok());
  absl::StatusOr<Catalog> catalog = Catalog::Load(dir.File("catalog.db"));
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  EXPECT_EQ(catalog->users().size(), 50u);
  absl::StatusOr<std::unique_ptr<data::DemoDataSource>> demo = data::DemoDataSource::Create(spec);
  ASSERT_TRUE(demo.ok());
  const data::PlantedTruth& truth = (*demo)->truth();

  // The "drama" interest is cluster 0's first signature genre.
  const int drama = GenreNamed(*catalog, "drama");
  ASSERT_GE(drama, 0);
  double inside = 0, across = 0;
  int inside_count = 0, across_count = 0;
  for (int64_t id = 1; id <= spec.titles; ++id) {
    const Catalog::Title* title = catalog->Find(id);
    ASSERT_NE(title, nullptr);
    const double distance = catalog->Distance(*title, drama);
    if (truth.TitleCluster(id) == 0) {
      inside += distance;
      ++inside_count;
    } else {
      across += distance;
      ++across_count;
    }
  }
  EXPECT_LT(inside / inside_count, 0.3);
  EXPECT_GT(across / across_count, 0.9);
}

}  // namespace
}  // namespace vitrina::simulation
