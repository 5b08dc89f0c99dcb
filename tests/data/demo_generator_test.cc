#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "data/demo_data_source.h"
#include "data/prepare_dataset.h"
#include "tests/data/read_all.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::data {

using ::vitrina::testing::TempDir;
namespace {

DemoCatalogSpec Spec(uint64_t seed) {
  return {.seed = seed, .users = 300, .titles = 200, .interactions = 20000, .clusters = 5};
}

InMemoryCatalog Generate(const DemoCatalogSpec& spec) {
  auto demo = DemoDataSource::Create(spec);
  EXPECT_TRUE(demo.ok()) << demo.status();
  absl::StatusOr<InMemoryCatalog> catalog = ReadAll(**demo);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return *std::move(catalog);
}

TEST(DemoGeneratorTest, IsDeterministicForASeed) {
  InMemoryCatalog first = Generate(Spec(11));
  InMemoryCatalog second = Generate(Spec(11));
  InMemoryCatalog other = Generate(Spec(12));
  EXPECT_EQ(first.titles, second.titles);
  EXPECT_EQ(first.users, second.users);
  EXPECT_EQ(first.interactions, second.interactions);
  EXPECT_NE(first.interactions, other.interactions);
  EXPECT_EQ(first.interactions.size(), 20000u);
  // Fixed values pin the generator across platforms and releases: the demo, demo-fill.sql and
  // the tests of other folders that rely on it must not drift silently.
  EXPECT_EQ(
      first.interactions[0],
      (InteractionRecord{
          .user_id = 256, .title_id = 55, .type = "rating", .value = 1, .timestamp = 1756430953}));
  EXPECT_EQ(
      first.interactions[1],
      (InteractionRecord{
          .user_id = 94, .title_id = 15, .type = "view", .value = 0.67, .timestamp = 1736035573}));
  EXPECT_EQ(first.titles[0], (TitleRecord{.id = 1,
                                          .name = "Book 1",
                                          .genres = {"drama"},
                                          .creators = {"3", "11"},
                                          .available = true}));
}

TEST(DemoGeneratorTest, IncrementalReadIsTheTailOfAFullRead) {
  auto demo = DemoDataSource::Create(Spec(3));
  ASSERT_TRUE(demo.ok());
  const int64_t since = (*demo)->spec().end_timestamp - 30 * 86400;
  absl::StatusOr<InMemoryCatalog> full = ReadAll(**demo);
  absl::StatusOr<InMemoryCatalog> recent = ReadAll(**demo, since);
  ASSERT_TRUE(full.ok() && recent.ok());
  std::vector<InteractionRecord> expected;
  for (const InteractionRecord& r : full->interactions) {
    if (r.timestamp > since) expected.push_back(r);
  }
  EXPECT_EQ(recent->interactions, expected);
  EXPECT_GT(expected.size(), 1000u);
  EXPECT_LT(expected.size(), full->interactions.size());
}

TEST(DemoGeneratorTest, PlantsTasteClustersInRatingsViewsAndBookmarks) {
  auto demo = DemoDataSource::Create(Spec(5));
  ASSERT_TRUE(demo.ok());
  const PlantedTruth& truth = (*demo)->truth();
  absl::StatusOr<InMemoryCatalog> catalog = ReadAll(**demo);
  ASSERT_TRUE(catalog.ok());

  std::map<bool, std::pair<double, int>> rating_sums;  // in cluster? -> (sum, count)
  std::map<bool, std::pair<double, int>> view_sums;
  int bookmarks_outside = 0;
  int in_cluster = 0;
  for (const InteractionRecord& r : catalog->interactions) {
    const bool inside = truth.UserPrefers(r.user_id, truth.TitleCluster(r.title_id));
    in_cluster += inside;
    if (r.type == "rating") {
      rating_sums[inside].first += r.value;
      ++rating_sums[inside].second;
    } else if (r.type == "view") {
      view_sums[inside].first += r.value;
      ++view_sums[inside].second;
    } else {
      EXPECT_EQ(r.type, "bookmark");
      bookmarks_outside += !inside;
    }
  }
  auto mean = [](std::pair<double, int> sum) { return sum.first / sum.second; };
  EXPECT_GT(mean(rating_sums[true]), 4.0);
  EXPECT_LT(mean(rating_sums[false]), 2.6);
  EXPECT_GT(mean(view_sums[true]), 0.75);
  EXPECT_LT(mean(view_sums[false]), 0.35);
  EXPECT_EQ(bookmarks_outside, 0);
  // 85% drawn inside, plus the noise that lands in a preferred cluster by chance.
  EXPECT_GT(in_cluster, 0.85 * 20000);
}

TEST(DemoGeneratorTest, GenresAndCreatorsFollowTheTitleCluster) {
  auto demo = DemoDataSource::Create(Spec(5));
  ASSERT_TRUE(demo.ok());
  const PlantedTruth& truth = (*demo)->truth();
  absl::StatusOr<InMemoryCatalog> catalog = ReadAll(**demo);
  ASSERT_TRUE(catalog.ok());
  // Each cluster's most frequent genre appears on most of its titles and almost never elsewhere.
  std::map<int, std::map<std::string, int>> genre_counts;
  std::map<int, int> titles_per_cluster;
  std::map<std::string, std::set<int>> creator_clusters;
  for (const TitleRecord& title : catalog->titles) {
    const int cluster = truth.TitleCluster(title.id);
    ++titles_per_cluster[cluster];
    for (const std::string& genre : title.genres) ++genre_counts[cluster][genre];
    for (const std::string& creator : title.creators) creator_clusters[creator].insert(cluster);
  }
  ASSERT_EQ(titles_per_cluster.size(), 5u);
  for (const auto& [cluster, counts] : genre_counts) {
    int top = 0;
    for (const auto& [genre, count] : counts) top = std::max(top, count);
    EXPECT_GT(top, 0.6 * titles_per_cluster[cluster]) << "cluster " << cluster;
  }
  // Creators mostly work inside one cluster.
  int single_cluster_creators = 0;
  for (const auto& [creator, clusters] : creator_clusters)
    single_cluster_creators += clusters.size() == 1;
  EXPECT_GT(single_cluster_creators, 0.6 * creator_clusters.size());
}

TEST(DemoGeneratorTest, UsersPreferOneOrTwoClusters) {
  auto demo = DemoDataSource::Create(Spec(9));
  ASSERT_TRUE(demo.ok());
  const PlantedTruth& truth = (*demo)->truth();
  ASSERT_EQ(truth.user_clusters.size(), 300u);
  int two = 0;
  for (const std::vector<int>& clusters : truth.user_clusters) {
    ASSERT_GE(clusters.size(), 1u);
    ASSERT_LE(clusters.size(), 2u);
    if (clusters.size() == 2) {
      ++two;
      EXPECT_NE(clusters[0], clusters[1]);
    }
  }
  EXPECT_GT(two, 100);
  EXPECT_LT(two, 200);
  EXPECT_FALSE(truth.UserPrefers(0, truth.user_clusters[0][0]));
  EXPECT_FALSE(truth.UserPrefers(301, 0));
  EXPECT_EQ(truth.TitleCluster(0), -1);
  EXPECT_EQ(truth.TitleCluster(201), -1);
}

TEST(DemoGeneratorTest, DefaultPreparationKeepsMostOfTheDemo) {
  auto demo = DemoDataSource::Create(DemoCatalogSpec{});
  ASSERT_TRUE(demo.ok());
  absl::StatusOr<PreparedDataset> dataset =
      PrepareDataset(**demo, {}, PreparationConfig::Defaults(), nullptr);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->stats.interactions_read, 100000);
  EXPECT_GT(dataset->stats.interactions_kept, 70000);
  EXPECT_EQ(dataset->stats.users, 2000);
  EXPECT_GT(dataset->stats.titles, 900);
  EXPECT_FALSE(dataset->popularity.empty());
}

TEST(DemoGeneratorTest, RejectsImpossibleSpecs) {
  DemoCatalogSpec spec;
  spec.titles = 3;
  spec.clusters = 4;
  EXPECT_EQ(DemoDataSource::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = DemoCatalogSpec{};
  spec.in_cluster_share = 1.5;
  EXPECT_EQ(DemoDataSource::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
  spec = DemoCatalogSpec{};
  spec.users = 0;
  EXPECT_EQ(DemoDataSource::Create(spec).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DemoGeneratorTest, PlantedTruthTsvListsEveryTitleAndUserCluster) {
  auto demo = DemoDataSource::Create(Spec(2));
  ASSERT_TRUE(demo.ok());
  TempDir dir;
  ASSERT_TRUE((*demo)->truth().WriteTsv(dir.File("truth.tsv")).ok());
  std::ifstream in(dir.File("truth.tsv"));
  int titles = 0;
  int user_lines = 0;
  for (std::string kind, id, cluster; in >> kind >> id >> cluster;) {
    if (kind == "title") {
      ++titles;
      EXPECT_EQ(std::stoi(cluster), (*demo)->truth().TitleCluster(std::stoll(id)));
    } else {
      EXPECT_TRUE((*demo)->truth().UserPrefers(std::stoll(id), std::stoi(cluster)));
      ++user_lines;
    }
  }
  EXPECT_EQ(titles, 200);
  EXPECT_GE(user_lines, 300);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// data/mysql/demo-fill.sql is generated: it must be what the current generator makes.
TEST(DemoGeneratorTest, CommittedMysqlDemoFillIsUpToDate) {
  TempDir dir;
  const std::string generated = dir.File("demo-fill.sql");
  const std::string command =
      std::string(VITRINA_BINARY_DIR) +
      "/vitrina-datagen --users 500 --titles 300 --interactions 20000 --sql-file " + generated +
      " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string committed =
      ReadText(std::string(VITRINA_SOURCE_DIR) + "/data/mysql/demo-fill.sql");
  ASSERT_FALSE(committed.empty());
  EXPECT_TRUE(ReadText(generated) == committed)
      << "regenerate: vitrina-datagen --users 500 --titles 300 --interactions 20000 --sql-file "
         "data/mysql/demo-fill.sql";
}

}  // namespace
}  // namespace vitrina::data
