// The experiments table (migration 8): names are never reused, one running experiment per layer,
// stopping is recorded with its time, and everything survives reopening the file.
#include "registry/experiment_store.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::registry {
namespace {

using ::testing::HasSubstr;
using ::vitrina::testing::TempDir;

ExperimentRecord Running(std::string name, std::string layer, UnixSeconds created_at) {
  return {.name = std::move(name),
          .layer = std::move(layer),
          .running = true,
          .definition_json = R"({"arms": []})",
          .created_at = created_at,
          .stopped_at = std::nullopt};
}

class ExperimentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    store_.reset();
    database_.reset();
    auto opened = RegistryDatabase::Open(dir_.File("registry.db"));
    ASSERT_TRUE(opened.ok()) << opened.status();
    database_ = std::move(opened).value();
    store_ = std::make_unique<ExperimentStore>(*database_);
  }

  TempDir dir_;
  std::unique_ptr<RegistryDatabase> database_;
  std::unique_ptr<ExperimentStore> store_;
};

TEST_F(ExperimentStoreTest, StoresStopsAndListsNewestFirstAcrossReopening) {
  ASSERT_TRUE(store_->Insert(Running("a", "default", 100)).ok());
  ASSERT_TRUE(store_->Insert(Running("b", "ranking", 200)).ok());
  absl::StatusOr<ExperimentRecord> stopped = store_->Stop("a", 300);
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_FALSE(stopped->running);
  EXPECT_EQ(stopped->stopped_at, 300);
  // Stopping again keeps the first time.
  EXPECT_EQ(store_->Stop("a", 400)->stopped_at, 300);

  Open();
  absl::StatusOr<std::vector<ExperimentRecord>> all = store_->List();
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "b");
  EXPECT_TRUE((*all)[0].running);
  EXPECT_EQ((*all)[0].definition_json, R"({"arms": []})");
  EXPECT_EQ((*all)[1].name, "a");
  EXPECT_FALSE((*all)[1].running);
}

TEST_F(ExperimentStoreTest, RefusesAReusedNameAndASecondRunningExperimentInALayer) {
  ASSERT_TRUE(store_->Insert(Running("a", "default", 100)).ok());
  absl::Status reused = store_->Insert(Running("a", "other", 200));
  EXPECT_EQ(reused.code(), absl::StatusCode::kAlreadyExists);
  absl::Status same_layer = store_->Insert(Running("b", "default", 200));
  EXPECT_EQ(same_layer.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(same_layer.message()), HasSubstr("experiment 'a' already runs in layer 'default'"));
  ASSERT_TRUE(store_->Stop("a", 300).ok());
  EXPECT_TRUE(store_->Insert(Running("b", "default", 400)).ok()) << "the layer is free once 'a' stopped";
}

TEST_F(ExperimentStoreTest, UnknownNamesAreNotFound) {
  EXPECT_EQ(store_->Get("nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Stop("nope", 1).status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace vitrina::registry
