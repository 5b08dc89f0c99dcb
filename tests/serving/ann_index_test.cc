// The ANN index folder beside a model file: a round trip answers like the built index; a missing,
// corrupted, truncated or foreign index is refused with a clear status, never loaded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/atomic_file.h"
#include "serving/ann_index.h"
#include "tests/serving/planted_model.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::serving {
namespace {

constexpr char kChecksum[] = "0badc0de";

class AnnIndexFileTest : public ::testing::Test {
 protected:
  AnnIndexFileTest() : model_(testing::MakePlantedModel(500, 5, 8, 10, 11)) {
    AnnConfig config;
    config.m = 8;
    config.ef_construction = 50;
    built_ = std::make_unique<ModelAnnIndex>(*ModelAnnIndex::Build(model_, config, 2));
    folder_ = ModelAnnIndex::FolderFor(dir_.File("model.vtm"));
  }

  absl::StatusOr<ModelAnnIndex> LoadBack(const std::string& checksum = kChecksum) {
    return ModelAnnIndex::Load(folder_, checksum, model_, 64);
  }
  void Overwrite(const std::string& name, std::streamoff at, char byte) {
    std::fstream file(folder_ + "/" + name, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(at);
    file.put(byte);
  }

  vitrina::testing::TempDir dir_;
  trainer::Model model_;
  std::unique_ptr<ModelAnnIndex> built_;
  std::string folder_;
};

TEST_F(AnnIndexFileTest, RoundTripSearchesLikeTheBuiltIndex) {
  ASSERT_TRUE(built_->Save(folder_, kChecksum).ok());
  EXPECT_FALSE(std::filesystem::exists(folder_ + ".partial." + std::to_string(::getpid())));
  absl::StatusOr<ModelAnnIndex> loaded = LoadBack();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->personal().size(), 500);
  EXPECT_EQ(loaded->similar().size(), 500);
  EXPECT_EQ(loaded->personal().m(), 8);
  const auto& users = model_.serving().users();
  for (int user = 0; user < 5; ++user) {
    std::span<const float> query(users.row(user).data(), static_cast<size_t>(users.cols()));
    EXPECT_EQ(loaded->personal().Search(query, 20), built_->personal().Search(query, 20));
  }
  const auto& unit = model_.serving().unit_items();
  std::span<const float> title(unit.row(7).data(), static_cast<size_t>(unit.cols()));
  EXPECT_EQ(loaded->similar().Search(title, 20), built_->similar().Search(title, 20));
}

TEST_F(AnnIndexFileTest, ASecondSaveDoesNotReplaceAnIndex) {
  ASSERT_TRUE(built_->Save(folder_, kChecksum).ok());
  EXPECT_EQ(built_->Save(folder_, kChecksum).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(AnnIndexFileTest, NoFolderIsNotFound) {
  EXPECT_EQ(LoadBack().status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AnnIndexFileTest, AFlippedByteIsDataLossNamingTheFile) {
  ASSERT_TRUE(built_->Save(folder_, kChecksum).ok());
  Overwrite("personal.hnsw", 200, '\x7f');
  absl::StatusOr<ModelAnnIndex> loaded = LoadBack();
  ASSERT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << loaded.status();
  EXPECT_NE(std::string(loaded.status().message()).find("personal.hnsw is corrupted"), std::string::npos)
      << loaded.status();
}

TEST_F(AnnIndexFileTest, ATruncatedOrMissingFileIsDataLoss) {
  ASSERT_TRUE(built_->Save(folder_, kChecksum).ok());
  std::filesystem::resize_file(folder_ + "/similar.hnsw", 1000);
  EXPECT_EQ(LoadBack().status().code(), absl::StatusCode::kDataLoss);
  std::filesystem::remove(folder_ + "/similar.hnsw");
  absl::StatusOr<ModelAnnIndex> loaded = LoadBack();
  ASSERT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(loaded.status().message()).find("missing index file"), std::string::npos) << loaded.status();
  std::filesystem::remove(folder_ + "/manifest.tsv");
  EXPECT_EQ(LoadBack().status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(AnnIndexFileTest, AnIndexOfAnotherModelFileIsRefused) {
  ASSERT_TRUE(built_->Save(folder_, kChecksum).ok());
  absl::StatusOr<ModelAnnIndex> foreign = LoadBack("12345678");
  ASSERT_EQ(foreign.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(foreign.status().message()).find("another model file"), std::string::npos) << foreign.status();

  // Same checksum, another catalog size: the graph does not fit the model.
  const trainer::Model bigger = testing::MakePlantedModel(600, 5, 8, 10, 11);
  absl::StatusOr<ModelAnnIndex> misfit = ModelAnnIndex::Load(folder_, kChecksum, bigger, 64);
  ASSERT_EQ(misfit.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(misfit.status().message()).find("the model needs 600"), std::string::npos) << misfit.status();
}

}  // namespace
}  // namespace vitrina::serving
