#include "trainer/model_file.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/atomic_file.h"
#include "tests/testing/temp_dir.h"
#include "tests/trainer/planted_data.h"

namespace vitrina::trainer {
namespace {

class ModelFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = testing::MakePlantedData();
    // Side features on some items, so that the feature space round trip is exercised.
    for (int32_t i = 0; i < 10; ++i) {
      const std::vector<WeightedFeature> features = {
          {"cluster:" + std::to_string(data_.item_cluster[i]), 2.0f}};
      ASSERT_TRUE(
          data_.dataset.items().SetFeatures(data_.dataset.items().ids().IdAt(i), features).ok());
    }
  }

  Model Trained(LearningSchedule schedule) {
    Hyperparameters hp;
    hp.loss = LossKind::kWarp;
    hp.learning_schedule = schedule;
    hp.item_alpha = 1e-5f;
    Model model = *Model::Create(hp);
    EXPECT_TRUE(model.Fit(data_.dataset, data_.train, {.epochs = 2}).ok());
    EXPECT_TRUE(model.SetConsumedItems(data_.test.ToCsr()).ok());
    return model;
  }

  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  ::vitrina::testing::TempDir dir_;
  testing::PlantedData data_;
};

TEST_F(ModelFileTest, RoundTripGivesIdenticalPredictionsAndResumesExactly) {
  for (LearningSchedule schedule : {LearningSchedule::kAdagrad, LearningSchedule::kAdadelta}) {
    Model model = Trained(schedule);
    const absl::StatusOr<ModelFileInfo> saved = SaveModel(model, Path("model.bin"));
    ASSERT_TRUE(saved.ok()) << saved.status().message();
    EXPECT_EQ(saved->size_bytes, std::filesystem::file_size(Path("model.bin")));
    EXPECT_EQ(saved->checksum_hex.size(), 8u);

    ModelFileInfo loaded_info;
    absl::StatusOr<Model> loaded = LoadModel(Path("model.bin"), &loaded_info);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    EXPECT_EQ(loaded_info.checksum_hex, saved->checksum_hex);

    std::vector<float> expected(model.n_items()), actual(model.n_items());
    for (int32_t user = 0; user < model.n_users(); user += 37) {
      ASSERT_TRUE(model.ScoreItems(user, expected).ok());
      ASSERT_TRUE(loaded->ScoreItems(user, actual).ok());
      EXPECT_EQ(expected, actual);
    }
    EXPECT_TRUE(loaded->dataset().items().ids() == model.dataset().items().ids());
    EXPECT_EQ(loaded->dataset().items().feature_names(), model.dataset().items().feature_names());
    const auto consumed = loaded->ConsumedItems(3);
    const auto original = model.ConsumedItems(3);
    EXPECT_TRUE(std::equal(consumed.begin(), consumed.end(), original.begin(), original.end()));
    EXPECT_FALSE(consumed.empty());

    // Resuming from the file continues exactly as resuming in memory.
    ASSERT_TRUE(model.FitPartial(data_.dataset, data_.train, {.epochs = 1}).ok());
    ASSERT_TRUE(loaded->FitPartial(data_.dataset, data_.train, {.epochs = 1}).ok());
    EXPECT_TRUE(model.state().users == loaded->state().users);
    EXPECT_TRUE(model.state().items == loaded->state().items);
  }
}

TEST_F(ModelFileTest, RefusesCorruptedTruncatedAndForeignFiles) {
  const std::string bytes = SerializeModel(Trained(LearningSchedule::kAdagrad));

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x10;
  EXPECT_EQ(DeserializeModel(flipped).status().code(), absl::StatusCode::kDataLoss);

  for (size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t{20}}) {
    EXPECT_EQ(DeserializeModel(std::string_view(bytes).substr(0, keep)).status().code(),
              absl::StatusCode::kDataLoss)
        << keep;
  }
  EXPECT_EQ(DeserializeModel("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DeserializeModel("VTRNMOD").status().code(), absl::StatusCode::kInvalidArgument);

  std::string foreign = bytes;
  foreign[0] = 'X';
  EXPECT_EQ(DeserializeModel(foreign).status().code(), absl::StatusCode::kInvalidArgument);

  std::string future = bytes;
  future[8] = 2;  // format version
  const absl::Status version = DeserializeModel(future).status();
  EXPECT_EQ(version.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(version.message()).find("version 2"), std::string::npos);

  ASSERT_TRUE(common::WriteFileAtomically(Path("flipped.bin"), flipped).ok());
  const absl::Status from_file = LoadModel(Path("flipped.bin")).status();
  EXPECT_EQ(from_file.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(from_file.message()).find("flipped.bin"), std::string::npos);
  EXPECT_EQ(LoadModel(Path("missing.bin")).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ModelFileTest, AHugeLengthWithAValidChecksumIsRefusedWithoutAllocating) {
  std::string bytes = SerializeModel(Trained(LearningSchedule::kAdagrad));
  // The user id count follows magic (8), version (4), hyperparameters (46), normalise (1) and the
  // user identity flag (1).
  const uint64_t huge = uint64_t{1} << 60;
  std::memcpy(bytes.data() + 60, &huge, sizeof(huge));
  const auto body_size = static_cast<uInt>(bytes.size() - 4);
  const auto crc = static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), body_size));
  std::memcpy(bytes.data() + body_size, &crc, sizeof(crc));
  EXPECT_EQ(DeserializeModel(bytes).status().code(), absl::StatusCode::kDataLoss);
}

// The bytes with their CRC-32 trailer recomputed, as a deliberate edit (not a corruption) would.
std::string WithValidChecksum(std::string bytes) {
  const auto body_size = static_cast<uInt>(bytes.size() - 4);
  const auto crc = static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()), body_size));
  std::memcpy(bytes.data() + body_size, &crc, sizeof(crc));
  return bytes;
}

TEST_F(ModelFileTest, AFlagByteOtherThanZeroOrOneIsRefusedNotReadAsTrue) {
  // Found by the model_file fuzz target: any non-zero byte loaded as true, so that saving the model
  // back gave other bytes. The normalisation flag follows magic (8), version (4) and
  // hyperparameters (46); the user identity flag comes next.
  const std::string bytes = SerializeModel(Trained(LearningSchedule::kAdagrad));
  for (size_t offset : {58, 59}) {
    std::string edited = bytes;
    edited[offset] = 'A';
    const absl::Status status = DeserializeModel(WithValidChecksum(edited)).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << offset;
    EXPECT_NE(std::string(status.message()).find("flag is 65"), std::string::npos) << status.message();
  }
}

TEST_F(ModelFileTest, AnEvenRandomStreamIncrementIsRefusedNotSilentlyChanged) {
  // Found by the model_file fuzz target: such a file loaded as a model whose stream differs from
  // the file's (Pcg32 forces the increment odd), so that saving it back gave other bytes.
  const Model model = Trained(LearningSchedule::kAdagrad);
  std::string bytes = SerializeModel(model);
  const uint64_t increment = model.state().rng.increment();
  const size_t at = bytes.rfind(std::string_view(reinterpret_cast<const char*>(&increment), sizeof(increment)));
  ASSERT_NE(at, std::string::npos);
  bytes[at] = static_cast<char>(bytes[at] & ~1);
  const absl::Status status = DeserializeModel(WithValidChecksum(bytes)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(status.message()).find("increment"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace vitrina::trainer
