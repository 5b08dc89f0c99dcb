#include "registry/hot_interaction_store.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::registry {
namespace {

using ::vitrina::testing::TempDir;
using ::testing::ElementsAre;

HotInteraction Interaction(int64_t user_id, int64_t title_id, UnixSeconds timestamp) {
  return HotInteraction{.user_id = user_id,
                        .title_id = title_id,
                        .type = "rating",
                        .value = 4.5,
                        .timestamp = timestamp};
}

class HotInteractionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    database_.reset();
    auto opened = RegistryDatabase::Open(dir_.File("registry.db"));
    ASSERT_TRUE(opened.ok()) << opened.status();
    database_ = std::move(opened).value();
    store_ = std::make_unique<HotInteractionStore>(*database_);
  }

  void Append(const HotInteraction& interaction) {
    absl::Status status = store_->Append(interaction);
    EXPECT_TRUE(status.ok()) << status;
  }

  // The title ids read since `since`, in reading order.
  std::vector<int64_t> TitlesSince(UnixSeconds since) {
    std::vector<int64_t> titles;
    absl::Status status = store_->ReadSince(
        since, [&](const HotInteraction& interaction) { titles.push_back(interaction.title_id); });
    EXPECT_TRUE(status.ok()) << status;
    return titles;
  }

  TempDir dir_;
  std::unique_ptr<RegistryDatabase> database_;
  std::unique_ptr<HotInteractionStore> store_;
};

TEST_F(HotInteractionStoreTest, ReadsSinceATimestampOldestFirst) {
  Append(Interaction(1, 10, 300));
  Append(Interaction(2, 20, 100));
  Append(Interaction(3, 30, 200));
  Append(Interaction(4, 40, 200));

  EXPECT_THAT(TitlesSince(0), ElementsAre(20, 30, 40, 10));
  EXPECT_THAT(TitlesSince(200), ElementsAre(30, 40, 10));  // inclusive; ties in recording order
  EXPECT_THAT(TitlesSince(201), ElementsAre(10));
  EXPECT_TRUE(TitlesSince(301).empty());
  EXPECT_EQ(*store_->Count(), 4);
}

TEST_F(HotInteractionStoreTest, ReadsBackEveryField) {
  Append(HotInteraction{
      .user_id = 7, .title_id = 9, .type = "bookmark", .value = -0.25, .timestamp = 1234});
  std::vector<HotInteraction> read;
  ASSERT_TRUE(store_->ReadSince(0, [&](const HotInteraction& i) { read.push_back(i); }).ok());
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].user_id, 7);
  EXPECT_EQ(read[0].title_id, 9);
  EXPECT_EQ(read[0].type, "bookmark");
  EXPECT_EQ(read[0].value, -0.25);
  EXPECT_EQ(read[0].timestamp, 1234);
}

// Catalogs may start their ids at 0 (vitrina-import loads such catalogs).
TEST_F(HotInteractionStoreTest, UserZeroAndTitleZeroAreCatalogIds) {
  Append(Interaction(0, 0, 100));
  std::vector<HotInteraction> read;
  ASSERT_TRUE(store_->ReadSince(0, [&](const HotInteraction& i) { read.push_back(i); }).ok());
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].user_id, 0);
  EXPECT_EQ(read[0].title_id, 0);
}

TEST_F(HotInteractionStoreTest, DeletesByUserZeroAndTitleZero) {
  Append(Interaction(0, 5, 100));
  Append(Interaction(1, 0, 200));
  Append(Interaction(1, 5, 300));
  EXPECT_EQ(*store_->Delete({.user_id = 0}), 1);
  EXPECT_EQ(*store_->Delete({.title_id = 0}), 1);
  EXPECT_THAT(TitlesSince(0), ElementsAre(5));
}

TEST_F(HotInteractionStoreTest, RejectsBadInteractions) {
  auto code_of = [&](auto mutate) {
    HotInteraction interaction = Interaction(1, 1, 1);
    mutate(interaction);
    return store_->Append(interaction).code();
  };
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  EXPECT_EQ(code_of([](HotInteraction& i) { i.user_id = -1; }), kInvalid);
  EXPECT_EQ(code_of([](HotInteraction& i) { i.title_id = -3; }), kInvalid);
  EXPECT_EQ(code_of([](HotInteraction& i) { i.type.clear(); }), kInvalid);
  EXPECT_EQ(code_of([](HotInteraction& i) { i.value = std::nan(""); }), kInvalid);
  EXPECT_EQ(code_of([](HotInteraction& i) { i.value = std::numeric_limits<double>::infinity(); }),
            kInvalid);
  EXPECT_EQ(code_of([](HotInteraction& i) { i.timestamp = -1; }), kInvalid);
  // After 9999-12-31 no API could show it, and protobuf JSON could not hold it.
  EXPECT_EQ(code_of([](HotInteraction& i) { i.timestamp = kMaxTimestampSeconds + 1; }), kInvalid);
  EXPECT_EQ(*store_->Count(), 0);
  EXPECT_TRUE(store_->Append(Interaction(1, 1, kMaxTimestampSeconds)).ok());
}

TEST_F(HotInteractionStoreTest, DeletesWhatEveryGivenFilterMatchesAndCountsIt) {
  Append(Interaction(1, 10, 100));
  Append(Interaction(1, 11, 200));
  Append(Interaction(2, 10, 300));
  Append(Interaction(2, 12, 400));
  Append(Interaction(3, 13, 500));
  Append(Interaction(3, 14, 600));

  EXPECT_EQ(*store_->Delete({.user_id = 1, .title_id = 10}), 1);
  EXPECT_THAT(TitlesSince(0), ElementsAre(11, 10, 12, 13, 14));
  EXPECT_EQ(*store_->Delete({.title_id = 10}), 1);
  EXPECT_EQ(*store_->Delete({.user_id = 2}), 1);
  EXPECT_THAT(TitlesSince(0), ElementsAre(11, 13, 14));
  // since is inclusive, until exclusive.
  EXPECT_EQ(*store_->Delete({.since = 200, .until = 500}), 1);
  EXPECT_THAT(TitlesSince(0), ElementsAre(13, 14));
  EXPECT_EQ(*store_->Delete({.until = 600}), 1);
  EXPECT_EQ(*store_->Delete({.user_id = 99}), 0);
  EXPECT_THAT(TitlesSince(0), ElementsAre(14));
  EXPECT_EQ(*store_->Delete({.since = 600}), 1);
  EXPECT_EQ(*store_->Count(), 0);
}

TEST_F(HotInteractionStoreTest, DeletingEverythingMustBeAskedForExplicitly) {
  Append(Interaction(1, 10, 100));
  Append(Interaction(2, 20, 200));
  absl::StatusOr<int64_t> unfiltered = store_->Delete({});
  EXPECT_EQ(unfiltered.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unfiltered.status().message()), ::testing::HasSubstr("at least one filter"));
  EXPECT_EQ(store_->Delete({.user_id = 1, .all = true}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Delete({.user_id = -1}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Delete({.title_id = -1}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Delete({.since = 200, .until = 200}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->Count(), 2);
  EXPECT_EQ(*store_->Delete({.all = true}), 2);
  EXPECT_EQ(*store_->Count(), 0);
}

TEST_F(HotInteractionStoreTest, PruneRemovesOnlyOlderInteractions) {
  Append(Interaction(1, 10, 100));
  Append(Interaction(1, 11, 199));
  Append(Interaction(1, 12, 200));
  Append(Interaction(1, 13, 250));
  EXPECT_EQ(*store_->PruneOlderThan(200), 2);
  EXPECT_THAT(TitlesSince(0), ElementsAre(12, 13));
  EXPECT_EQ(*store_->PruneOlderThan(200), 0);
}

TEST_F(HotInteractionStoreTest, SurvivesReopening) {
  Append(Interaction(1, 10, 100));
  Append(Interaction(2, 20, 200));
  Open();
  EXPECT_EQ(*store_->Count(), 2);
  EXPECT_THAT(TitlesSince(150), ElementsAre(20));
}

// A reader streams one consistent snapshot while appends go on beside it.
TEST_F(HotInteractionStoreTest, AppendsGoOnWhileAReadStreams) {
  for (int title = 1; title <= 50; ++title) Append(Interaction(1, title, 100));
  int visited = 0;
  absl::Status status = store_->ReadSince(0, [&](const HotInteraction& interaction) {
    ++visited;
    absl::Status appended = store_->Append(Interaction(2, interaction.title_id, 500));
    EXPECT_TRUE(appended.ok()) << appended;
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(visited, 50);
  EXPECT_EQ(*store_->Count(), 100);
}

}  // namespace
}  // namespace vitrina::registry
