#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "data/demo_catalog.h"
#include "data/embedded_catalog_writer.h"
#include "data/open_data_source.h"
#include "data/sqlite_data_source.h"
#include "tests/data/read_all.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::data {

using ::vitrina::testing::TempDir;
namespace {

using ::testing::HasSubstr;

DemoCatalogSpec SmallSpec() {
  return {.seed = 7, .users = 60, .titles = 40, .interactions = 3000, .clusters = 4};
}

TEST(EmbeddedSourceTest, RoundTripsEveryRecordOfTheDemo) {
  TempDir dir;
  const std::string path = dir.File("sub/catalog.db");
  ASSERT_TRUE(GenerateDemoCatalog(path, SmallSpec()).ok());

  auto demo = DemoDataSource::Create(SmallSpec());
  ASSERT_TRUE(demo.ok());
  absl::StatusOr<InMemoryCatalog> expected = ReadAll(**demo);
  ASSERT_TRUE(expected.ok());
  auto sqlite = SqliteDataSource::Open(path);
  ASSERT_TRUE(sqlite.ok()) << sqlite.status();
  absl::StatusOr<InMemoryCatalog> actual = ReadAll(**sqlite);
  ASSERT_TRUE(actual.ok()) << actual.status();

  // The embedded source lists types by name, titles and users by id: the demo's own order.
  EXPECT_EQ(actual->interaction_types, expected->interaction_types);
  ASSERT_EQ(actual->titles.size(), 40u);
  for (size_t i = 0; i < actual->titles.size(); ++i) {
    TitleRecord want = expected->titles[i];
    TitleRecord got = actual->titles[i];
    // SQL lists carry no order.
    std::sort(want.genres.begin(), want.genres.end());
    std::sort(got.genres.begin(), got.genres.end());
    std::sort(want.creators.begin(), want.creators.end());
    std::sort(got.creators.begin(), got.creators.end());
    EXPECT_EQ(got, want) << "title " << want.id;
  }
  ASSERT_EQ(actual->users.size(), 60u);
  for (size_t i = 0; i < actual->users.size(); ++i) {
    std::vector<std::string> want = expected->users[i].features;
    std::vector<std::string> got = actual->users[i].features;
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(actual->users[i].id, expected->users[i].id);
    EXPECT_EQ(got, want);
  }
  EXPECT_EQ(actual->interactions, expected->interactions);
  EXPECT_EQ(actual->interactions.size(), 3000u);
}

TEST(EmbeddedSourceTest, IncrementalReadReturnsOnlyNewerInteractions) {
  TempDir dir;
  const std::string path = dir.File("catalog.db");
  InMemoryCatalog catalog;
  catalog.titles = {{.id = 1, .name = "a", .genres = {}, .creators = {}, .available = true}};
  for (int64_t t = 100; t <= 104; ++t) {
    catalog.interactions.push_back(
        {.user_id = 1, .title_id = 1, .type = "view", .value = 1, .timestamp = t});
  }
  InMemoryDataSource source(catalog);
  ASSERT_TRUE(WriteEmbeddedCatalog(source, path).ok());
  auto sqlite = SqliteDataSource::Open(path);
  ASSERT_TRUE(sqlite.ok());
  std::vector<int64_t> timestamps;
  ASSERT_TRUE((*sqlite)
                  ->ReadInteractions(102,
                                     [&](const InteractionRecord& r) {
                                       timestamps.push_back(r.timestamp);
                                       return absl::OkStatus();
                                     })
                  .ok());
  EXPECT_EQ(timestamps, (std::vector<int64_t>{103, 104}));
}

TEST(EmbeddedSourceTest, ASinkErrorStopsTheRead) {
  TempDir dir;
  const std::string path = dir.File("catalog.db");
  ASSERT_TRUE(GenerateDemoCatalog(path, SmallSpec()).ok());
  auto sqlite = SqliteDataSource::Open(path);
  ASSERT_TRUE(sqlite.ok());
  int seen = 0;
  absl::Status status = (*sqlite)->ReadInteractions(0, [&](const InteractionRecord&) {
    return ++seen == 3 ? absl::CancelledError("enough") : absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(seen, 3);
}

TEST(EmbeddedSourceTest, OpenDataSourceReportsAMissingCatalogAsNotFound) {
  TempDir dir;
  DataSourceConfig config;
  config.embedded_path = dir.File("absent.db");
  auto source = OpenDataSource(config);
  EXPECT_EQ(source.status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(GenerateDemoCatalog(config.embedded_path, SmallSpec()).ok());
  source = OpenDataSource(config);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ((*source)->Name(), "sqlite:" + config.embedded_path);
}

TEST(EmbeddedSourceTest, RefusesFilesThatAreNotACatalog) {
  TempDir dir;
  const std::string text_file = dir.File("notes.txt");
  std::ofstream(text_file) << "not a database at all, just some text that is long enough\n";
  auto opened = SqliteDataSource::Open(text_file);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(EmbeddedSourceTest, NeverOverwritesAnExistingCatalog) {
  TempDir dir;
  const std::string path = dir.File("catalog.db");
  ASSERT_TRUE(GenerateDemoCatalog(path, SmallSpec()).ok());
  absl::Status again = GenerateDemoCatalog(path, SmallSpec());
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(std::string(again.message()), HasSubstr(path));
}

}  // namespace
}  // namespace vitrina::data
