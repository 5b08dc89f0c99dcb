#include "server/cold_consumption.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/testing/temp_dir.h"

namespace vitrina::server {
namespace {

std::vector<int64_t> Titles(const ColdConsumption& cold, int64_t user) {
  auto titles = cold.TitlesOf(user);
  return {titles.begin(), titles.end()};
}

TEST(ColdConsumptionTest, TitlesOfAUserAreSortedAndUnique) {
  const ColdConsumption cold({{7, 30}, {5, 2}, {7, 10}, {7, 30}, {9, 1}});
  EXPECT_EQ(Titles(cold, 7), (std::vector<int64_t>{10, 30}));
  EXPECT_EQ(Titles(cold, 5), (std::vector<int64_t>{2}));
  EXPECT_TRUE(cold.TitlesOf(6).empty());
  EXPECT_TRUE(cold.TitlesOf(100).empty());
  EXPECT_EQ(cold.size(), 4u);
}

TEST(ColdConsumptionTest, SaveLoadRoundTrip) {
  ::vitrina::testing::TempDir dir;
  const std::string path = (dir.path() / "m.cold-consumed.tsv").string();
  const ColdConsumption cold({{7, 30}, {5, 2}, {-1, 1LL << 40}});
  ASSERT_TRUE(cold.Save(path).ok());
  auto loaded = ColdConsumption::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->pairs(), cold.pairs());
}

TEST(ColdConsumptionTest, AMissingFileIsAnEmptySet) {
  ::vitrina::testing::TempDir dir;
  auto loaded = ColdConsumption::Load((dir.path() / "absent.tsv").string());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->size(), 0u);
}

TEST(ColdConsumptionTest, AMalformedLineIsRefusedWithItsNumber) {
  ::vitrina::testing::TempDir dir;
  const std::string path = (dir.path() / "bad.tsv").string();
  for (const char* text : {"1\t2\n3 4\n", "1\t2\n3\t\n", "1\t2\n3\t4x\n", "1\t2\n\t4\n"}) {
    std::ofstream(path) << text;
    auto loaded = ColdConsumption::Load(path);
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(std::string(loaded.status().message()).find(":2:"), std::string::npos) << loaded.status();
  }
}

}  // namespace
}  // namespace vitrina::server
