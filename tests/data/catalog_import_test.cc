// ImportCatalog into a real embedded catalog, read back through SqliteDataSource.
#include "data/catalog_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "SQLiteCpp/Database.h"
#include "data/sqlite_data_source.h"
#include "tests/data/read_all.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::data {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ImportText Csv(std::string name, std::string text) {
  return ImportText{std::move(name), std::move(text), ImportFormat::kCsv};
}

constexpr std::string_view kTitles =
    "id,name,genres,creators,available\n"
    "0,Zero,drama|comedy,c1,true\n"
    "1,One,drama,,false\n";
constexpr std::string_view kUsers = "id,features\n0,country:de|age:30\n";
constexpr std::string_view kInteractions =
    "user_id,title_id,type,value,time\n"
    "0,0,view,0.9,1700000000\n"
    "5,1,rating,4,2024-03-01T12:00:00Z\n";

class CatalogImportTest : public ::testing::Test {
 protected:
  ImportInput FullInput() const {
    ImportInput input;
    input.interaction_types = Csv("types.csv", "name,weight\nview,1\n");
    input.titles = Csv("titles.csv", std::string(kTitles));
    input.users = Csv("users.csv", std::string(kUsers));
    input.interactions = Csv("interactions.csv", std::string(kInteractions));
    return input;
  }

  absl::StatusOr<ImportSummary> Import(const ImportInput& input, bool replace = false) {
    errors_ = ImportErrors(20);
    ImportOptions options;
    options.replace = replace;
    return ImportCatalog(path_, input, options, errors_);
  }

  InMemoryCatalog ReadCatalog() {
    auto source = SqliteDataSource::Open(path_);
    EXPECT_TRUE(source.ok()) << source.status();
    if (!source.ok()) return {};
    auto catalog = ReadAll(**source);
    EXPECT_TRUE(catalog.ok()) << catalog.status();
    return catalog.ok() ? *catalog : InMemoryCatalog{};
  }

  ::vitrina::testing::TempDir dir_;
  std::string path_ = dir_.File("sub/catalog.db");
  ImportErrors errors_{20};
};

TEST_F(CatalogImportTest, CreatesTheCatalogAndTheServerSourceReadsItWithIdZero) {
  auto summary = Import(FullInput());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_TRUE(summary->created_catalog);
  EXPECT_EQ(summary->interaction_types, 1);
  EXPECT_EQ(summary->titles, 2);
  EXPECT_EQ(summary->users, 1);
  EXPECT_EQ(summary->interactions, 2);
  EXPECT_THAT(summary->created_types, ElementsAre("rating"));

  InMemoryCatalog catalog = ReadCatalog();
  EXPECT_THAT(catalog.interaction_types,
              ElementsAre(InteractionTypeRecord{"rating", 1}, InteractionTypeRecord{"view", 1}));
  ASSERT_EQ(catalog.titles.size(), 2u);
  EXPECT_EQ(catalog.titles[0].id, 0);
  EXPECT_THAT(catalog.titles[0].genres, ::testing::UnorderedElementsAre("drama", "comedy"));
  EXPECT_FALSE(catalog.titles[1].available);
  ASSERT_EQ(catalog.users.size(), 1u);
  EXPECT_EQ(catalog.users[0].id, 0);
  EXPECT_THAT(catalog.interactions,
              ElementsAre(InteractionRecord{0, 0, "view", 0.9, 1700000000},
                          InteractionRecord{5, 1, "rating", 4, 1709294400}));
}

TEST_F(CatalogImportTest, ABadRowAtTheEndLeavesAnExistingCatalogUnchanged) {
  ASSERT_TRUE(Import(FullInput()).ok());
  const InMemoryCatalog before = ReadCatalog();

  ImportInput more;
  more.titles = Csv("more.csv", "id,name\n2,Two\n3,Three\n");
  std::string interactions = "user_id,title_id,type,value,time\n";
  for (int i = 0; i < 1000; ++i) interactions += "1,2,bookmark,1,1700000000\n";
  interactions += "1,99,view,1,1700000000\n";  // line 1002: title 99 exists nowhere
  more.interactions = Csv("more-interactions.csv", interactions);
  auto summary = Import(more);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(summary.status().message(), HasSubstr("1 bad row(s); nothing was written"));
  EXPECT_THAT(errors_.messages(),
              ElementsAre("more-interactions.csv:1002:3: title_id: title 99 is in neither the "
                          "titles file nor the catalog"));
  EXPECT_EQ(ReadCatalog(), before);
}

TEST_F(CatalogImportTest, AFailedImportRemovesTheCatalogItWouldHaveCreated) {
  ImportInput input = FullInput();
  input.users = Csv("users.csv", "id,features\n0,a\n0,b\n");
  auto summary = Import(input);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(errors_.messages(),
              ElementsAre("users.csv:3:1: id: user 0 is already in users.csv or the catalog "
                          "(--replace empties the catalog first)"));
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(CatalogImportTest, AppendRefusesIdsTheCatalogHasAndReplaceStartsOver) {
  ASSERT_TRUE(Import(FullInput()).ok());
  ImportInput again;
  again.titles = Csv("titles.csv", "id,name\n1,Again\n");
  EXPECT_EQ(Import(again).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(errors_.messages(), ElementsAre(HasSubstr("titles.csv:2:1: id: title 1 is already")));

  // Interactions may reference titles the catalog already has.
  ImportInput interactions;
  interactions.interactions =
      Csv("i.csv", "user_id,title_id,type,value,time\n9,0,view,1,1700000001\n");
  ASSERT_TRUE(Import(interactions).ok()) << errors_.messages().size();
  EXPECT_EQ(ReadCatalog().interactions.size(), 3u);

  ImportInput twice;
  twice.titles = Csv("titles.csv", "id,name\n1,Again\n1,Twice\n");
  EXPECT_FALSE(Import(twice, /*replace=*/true).ok());
  EXPECT_THAT(errors_.messages(), ElementsAre("titles.csv:3:1: id: title 1 is already in titles.csv"));

  auto replaced = Import(again, /*replace=*/true);
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  InMemoryCatalog catalog = ReadCatalog();
  EXPECT_THAT(catalog.titles, ElementsAre(TitleRecord{1, "Again", {}, {}, true}));
  EXPECT_THAT(catalog.users, IsEmpty());
  EXPECT_THAT(catalog.interactions, IsEmpty());
  EXPECT_THAT(catalog.interaction_types, IsEmpty());
}

TEST_F(CatalogImportTest, ErrorsOfSeveralFilesAreAllReportedUpToTheLimit) {
  ImportInput input = FullInput();
  input.titles = Csv("titles.csv", "id,name\n-1,Bad\n2,Good\n");
  input.interactions = Csv("interactions.csv",
                           "user_id,title_id,type,value,time\nu,2,view,1,1\n1,2,view,inf,1\n");
  EXPECT_FALSE(Import(input).ok());
  EXPECT_THAT(errors_.messages(),
              ElementsAre("titles.csv:2:1: id: -1 is negative (ids are integers >= 0)",
                          "interactions.csv:2:1: user_id: 'u' is not an integer id",
                          "interactions.csv:3:10: value: 'inf' is not a finite number"));
  EXPECT_FALSE(std::filesystem::exists(path_));
}

// The server reads the catalog while vitrina-import may commit into it: a read that meets the
// commit's lock waits for it instead of failing with "database is locked".
TEST_F(CatalogImportTest, TheServerSourceWaitsForACommitInProgress) {
  ASSERT_TRUE(Import(FullInput()).ok());
  auto source = SqliteDataSource::Open(path_);
  ASSERT_TRUE(source.ok()) << source.status();
  SQLite::Database writer(path_, SQLite::OPEN_READWRITE);
  writer.exec("BEGIN EXCLUSIVE");  // what a commit holds while it writes the file
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    writer.exec("COMMIT");
  });
  int titles = 0;
  absl::Status read = (*source)->ReadTitles([&](const TitleRecord&) {
    ++titles;
    return absl::OkStatus();
  });
  committer.join();
  EXPECT_TRUE(read.ok()) << read;
  EXPECT_EQ(titles, 2);
}

TEST_F(CatalogImportTest, RefusesAFileThatIsNotAVitrinaCatalog) {
  std::filesystem::create_directories(dir_.path() / "sub");
  std::ofstream(path_) << "";
  auto summary = Import(FullInput());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(summary.status().message(), HasSubstr("is not a Vitrina catalog"));
  EXPECT_TRUE(std::filesystem::exists(path_));
}

}  // namespace
}  // namespace vitrina::data
