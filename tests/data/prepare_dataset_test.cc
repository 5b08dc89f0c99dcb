#include "data/prepare_dataset.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "data/in_memory_data_source.h"

namespace vitrina::data {
namespace {

using ::testing::ElementsAre;
using ::testing::FloatEq;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr int64_t kDay = 86400;
constexpr int64_t kNow = 1'700'000'000;

TitleRecord Title(int64_t id, std::vector<std::string> genres = {},
                  std::vector<std::string> creators = {}, bool available = true) {
  return {.id = id, .name = "t", .genres = genres, .creators = creators, .available = available};
}

InteractionRecord Event(int64_t user, int64_t title, std::string type, double value,
                        int64_t timestamp = kNow) {
  return {.user_id = user, .title_id = title, .type = type, .value = value, .timestamp = timestamp};
}

PreparationConfig RatingViewBookmark() {
  PreparationConfig config;
  config.interaction_rules["rating"] = {.weight = 0.2, .min_value = 4, .scale_by_value = true};
  config.interaction_rules["view"] = {.weight = 1, .min_value = 0.5, .scale_by_value = true};
  config.interaction_rules["bookmark"] = {
      .weight = 2, .min_value = std::nullopt, .scale_by_value = false};
  config.popularity_window_days = 0;
  return config;
}

PreparedDataset Prepare(InMemoryCatalog catalog, const PreparationConfig& config,
                        std::vector<InteractionRecord> hot = {},
                        const TitlePredicate& is_blacklisted = nullptr) {
  InMemoryDataSource source(std::move(catalog));
  absl::StatusOr<PreparedDataset> dataset = PrepareDataset(source, hot, config, is_blacklisted);
  EXPECT_TRUE(dataset.ok()) << dataset.status();
  return dataset.ok() ? *std::move(dataset) : PreparedDataset{};
}

int64_t DroppedTotal(const DatasetStats& stats) {
  int64_t total = 0;
  for (const auto& [rule, count] : stats.dropped) total += count;
  return total;
}

TEST(PrepareDatasetTest, RulesWeighEachTypeAndCountWhatTheyDrop) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11), Title(12)};
  catalog.interactions = {
      Event(1, 10, "rating", 5),    // 0.2 * 5 = 1.0
      Event(1, 11, "rating", 3),    // under min_value 4: consumed, not positive
      Event(1, 12, "view", 0.75),   // 0.75
      Event(2, 10, "view", 0.25),   // under min_value 0.5
      Event(2, 11, "bookmark", 1),  // fixed 2
      Event(2, 12, "click", 1),     // unknown type
      Event(2, 99, "bookmark", 1),  // unknown title
  };
  PreparedDataset dataset = Prepare(catalog, RatingViewBookmark());

  EXPECT_THAT(dataset.positives.user_ids, ElementsAre(1, 1, 2));
  EXPECT_THAT(dataset.positives.title_ids, ElementsAre(10, 12, 11));
  EXPECT_THAT(dataset.positives.weights, ElementsAre(FloatEq(1.0f), FloatEq(0.75f), FloatEq(2.0f)));
  EXPECT_THAT(dataset.consumed.user_ids, ElementsAre(1, 1, 1, 2, 2));
  EXPECT_THAT(dataset.consumed.title_ids, ElementsAre(10, 11, 12, 10, 11));
  const DatasetStats& stats = dataset.stats;
  EXPECT_EQ(stats.interactions_read, 7);
  EXPECT_EQ(stats.interactions_kept, 3);
  EXPECT_THAT(stats.dropped, UnorderedElementsAre(Pair("not_positive", 2), Pair("unknown_type", 1),
                                                  Pair("unknown_title", 1)));
  EXPECT_THAT(stats.unknown_types, ElementsAre(Pair("click", 1)));
  EXPECT_EQ(stats.interactions_read, stats.interactions_kept + DroppedTotal(stats));
  EXPECT_EQ(stats.users, 2);
  EXPECT_EQ(stats.titles, 3);
  EXPECT_EQ(stats.pairs, 3);
  EXPECT_EQ(stats.watermark, kNow);
}

TEST(PrepareDatasetTest, CatalogWeightsApplyToTypesWithoutARule) {
  InMemoryCatalog catalog;
  catalog.interaction_types = {{.name = "purchase", .weight = 3}, {.name = "rating", .weight = 9}};
  catalog.titles = {Title(10)};
  catalog.interactions = {Event(1, 10, "purchase", 1), Event(2, 10, "rating", 5)};
  PreparationConfig config;
  // A rule without a weight takes the catalog's weight (9), scaled by the value.
  config.interaction_rules["rating"] = {
      .weight = std::nullopt, .min_value = 4, .scale_by_value = true};
  PreparedDataset dataset = Prepare(catalog, config);
  EXPECT_THAT(dataset.positives.weights, ElementsAre(FloatEq(3.0f), FloatEq(45.0f)));
  EXPECT_TRUE(dataset.stats.dropped.empty());
}

TEST(PrepareDatasetTest, PairsSumAndAreCappedAtMaxPairWeight) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11)};
  catalog.interactions = {Event(1, 10, "bookmark", 1), Event(1, 10, "view", 0.5),
                          Event(1, 11, "bookmark", 1), Event(1, 11, "bookmark", 1),
                          Event(1, 11, "bookmark", 1)};
  PreparationConfig config = RatingViewBookmark();
  config.max_pair_weight = 5;
  PreparedDataset dataset = Prepare(catalog, config);
  // 2 + 0.5 = 2.5 stays; 2 + 2 + 2 = 6 is capped at 5.
  EXPECT_THAT(dataset.positives.weights, ElementsAre(FloatEq(2.5f), FloatEq(5.0f)));
  EXPECT_EQ(dataset.stats.interactions_kept, 5);
  EXPECT_EQ(dataset.stats.pairs, 2);
}

TEST(PrepareDatasetTest, UnavailableAndBlacklistedTitlesAreDroppedAndNotConsumed) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10, {"drama"}), Title(11, {"comedy"}, {}, /*available=*/false),
                    Title(12, {"horror"})};
  catalog.interactions = {Event(1, 10, "bookmark", 1), Event(1, 11, "bookmark", 1),
                          Event(1, 12, "bookmark", 1), Event(2, 12, "bookmark", 1)};
  int predicate_calls = 0;
  PreparedDataset dataset = Prepare(catalog, RatingViewBookmark(), {}, [&](int64_t title_id) {
    ++predicate_calls;
    return title_id == 12;
  });
  EXPECT_THAT(dataset.positives.title_ids, ElementsAre(10));
  EXPECT_THAT(dataset.consumed.title_ids, ElementsAre(10));
  EXPECT_THAT(dataset.stats.dropped,
              UnorderedElementsAre(Pair("unavailable_title", 1), Pair("blacklisted_title", 2)));
  // Asked once per available title, not once per interaction.
  EXPECT_EQ(predicate_calls, 2);
  // Features only for titles that may be recommended.
  EXPECT_THAT(dataset.title_features.owner_ids, ElementsAre(10));
  EXPECT_THAT(dataset.title_features.features, ElementsAre("genre:drama"));
}

TEST(PrepareDatasetTest, MaxAgeCountsBackFromTheWatermark) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11), Title(12)};
  catalog.interactions = {Event(1, 10, "bookmark", 1, kNow),
                          Event(1, 11, "bookmark", 1, kNow - 10 * kDay),
                          Event(1, 12, "bookmark", 1, kNow - 10 * kDay - 1)};
  PreparationConfig config = RatingViewBookmark();
  config.max_age_days = 10;
  PreparedDataset dataset = Prepare(catalog, config);
  EXPECT_THAT(dataset.positives.title_ids, ElementsAre(10, 11));
  EXPECT_THAT(dataset.stats.dropped, ElementsAre(Pair("too_old", 1)));
  // An old interaction still means the user has seen the title.
  EXPECT_THAT(dataset.consumed.title_ids, ElementsAre(10, 11, 12));
}

TEST(PrepareDatasetTest, MinimumCountsIterateUntilStable) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11), Title(12), Title(13)};
  catalog.interactions = {
      Event(1, 10, "bookmark", 1), Event(1, 11, "bookmark", 1),  // user 1: 10, 11
      Event(2, 10, "bookmark", 1), Event(2, 11, "bookmark", 1),  // user 2: 10, 11, 13
      Event(2, 13, "bookmark", 1), Event(3, 13, "bookmark", 1),
      Event(3, 12, "bookmark", 1),  // user 3: 12, 13
      Event(4, 12, "bookmark", 1),  // user 4: 12
  };
  PreparationConfig config = RatingViewBookmark();
  config.min_user_interactions = 2;
  config.min_title_interactions = 2;
  PreparedDataset dataset = Prepare(catalog, config);
  // Pass 1: user 4 (1 title) goes -> title 12 keeps only user 3. Pass 2: title 12 goes -> user 3
  // keeps only 13. Pass 3: user 3 goes -> title 13 keeps only user 2. Pass 4: title 13 goes.
  // A single pass would have stopped after dropping user 4.
  EXPECT_THAT(dataset.positives.user_ids, ElementsAre(1, 1, 2, 2));
  EXPECT_THAT(dataset.positives.title_ids, ElementsAre(10, 11, 10, 11));
  EXPECT_THAT(dataset.stats.dropped, UnorderedElementsAre(Pair("min_user_interactions", 2),
                                                          Pair("min_title_interactions", 2)));
  EXPECT_EQ(dataset.stats.interactions_kept, 4);
  // Filtered pairs stay consumed.
  EXPECT_EQ(dataset.consumed.size(), 8u);
}

TEST(PrepareDatasetTest, HotInteractionsMergeWithTheSource) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11)};
  catalog.interactions = {Event(1, 10, "bookmark", 1, kNow)};
  PreparedDataset dataset =
      Prepare(catalog, RatingViewBookmark(),
              {Event(1, 10, "bookmark", 1, kNow + 5), Event(2, 11, "view", 1, kNow + 9)});
  EXPECT_THAT(dataset.positives.user_ids, ElementsAre(1, 2));
  EXPECT_THAT(dataset.positives.weights, ElementsAre(FloatEq(4.0f), FloatEq(1.0f)));
  EXPECT_EQ(dataset.stats.interactions_read, 3);
  EXPECT_EQ(dataset.stats.watermark, kNow + 9);
}

TEST(PrepareDatasetTest, PopularitySumsPositiveWeightInItsWindow) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11), Title(12)};
  catalog.interactions = {
      Event(1, 10, "bookmark", 1, kNow),        Event(2, 10, "view", 0.5, kNow - kDay),
      Event(1, 11, "bookmark", 1, kNow - kDay), Event(2, 11, "bookmark", 1, kNow - 8 * kDay),
      Event(3, 12, "rating", 2, kNow),  // not positive: no popularity
  };
  PreparationConfig config = RatingViewBookmark();
  config.popularity_window_days = 7;
  PreparedDataset dataset = Prepare(catalog, config);
  ASSERT_EQ(dataset.popularity.size(), 2u);
  EXPECT_EQ(dataset.popularity[0].title_id, 10);
  EXPECT_DOUBLE_EQ(dataset.popularity[0].score, 2.5);
  EXPECT_EQ(dataset.popularity[1].title_id, 11);
  EXPECT_DOUBLE_EQ(dataset.popularity[1].score, 2.0);
}

TEST(PrepareDatasetTest, FeaturesNameGenresCreatorsAndUserFeatures) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(11, {"comedy"}, {"7"}), Title(10, {"drama", "crime"}, {"Kurosawa"})};
  catalog.users = {{.id = 5, .features = {"country:de"}}};
  PreparedDataset dataset = Prepare(catalog, RatingViewBookmark());
  EXPECT_THAT(dataset.title_features.owner_ids, ElementsAre(10, 10, 10, 11, 11));
  EXPECT_THAT(
      dataset.title_features.features,
      ElementsAre("genre:drama", "genre:crime", "creator:Kurosawa", "genre:comedy", "creator:7"));
  EXPECT_THAT(dataset.title_features.weights, ::testing::Each(1.0f));
  EXPECT_THAT(dataset.user_features.owner_ids, ElementsAre(5));
  EXPECT_THAT(dataset.user_features.features, ElementsAre("country:de"));
}

TEST(PrepareDatasetTest, IncrementalReadsOnlyAfterTheWatermarkWithoutMinimumCounts) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11)};
  catalog.interactions = {Event(1, 10, "bookmark", 1, kNow), Event(1, 11, "bookmark", 1, kNow + 1)};
  PreparationConfig config = RatingViewBookmark();
  config.min_user_interactions = 5;
  InMemoryDataSource source(catalog);
  absl::StatusOr<PreparedDataset> increment = PrepareIncrementalDataset(
      source, {Event(2, 10, "bookmark", 1, kNow), Event(2, 10, "view", 1, kNow + 2)}, config,
      nullptr, kNow);
  ASSERT_TRUE(increment.ok()) << increment.status();
  EXPECT_THAT(increment->positives.user_ids, ElementsAre(1, 2));
  EXPECT_THAT(increment->positives.title_ids, ElementsAre(11, 10));
  EXPECT_EQ(increment->stats.interactions_read, 2);
  EXPECT_EQ(increment->stats.watermark, kNow + 2);

  absl::StatusOr<PreparedDataset> nothing_new =
      PrepareIncrementalDataset(source, {}, config, nullptr, kNow + 2);
  ASSERT_TRUE(nothing_new.ok()) << nothing_new.status();
  EXPECT_EQ(nothing_new->positives.size(), 0u);
  EXPECT_EQ(nothing_new->stats.watermark, kNow + 2);
}

// An interaction dated after the training started (a wrong clock, a typo in a year) waits for a
// later training: it neither counts nor moves the watermark, nor the popularity window measured
// back from the watermark, which would otherwise hold nothing but it.
TEST(PrepareDatasetTest, InteractionsAfterAsOfWaitAndLeaveTheWatermarkAndPopularityAlone) {
  InMemoryCatalog catalog;
  catalog.titles = {Title(10), Title(11), Title(12)};
  catalog.interactions = {Event(1, 10, "bookmark", 1, kNow - kDay), Event(2, 11, "bookmark", 1, kNow),
                          Event(3, 12, "bookmark", 1, kNow + 90 * kDay)};
  const std::vector<InteractionRecord> hot = {Event(4, 12, "bookmark", 1, kNow + 1),
                                              Event(5, 12, "bookmark", 1, 4'102'444'800)};  // 2100
  PreparationConfig config = RatingViewBookmark();
  config.popularity_window_days = 30;
  InMemoryDataSource source(catalog);
  absl::StatusOr<PreparedDataset> dataset = PrepareDataset(source, hot, config, nullptr, kNow);
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ(dataset->stats.watermark, kNow);
  EXPECT_THAT(dataset->stats.dropped, ElementsAre(Pair("future", 3)));
  EXPECT_EQ(dataset->stats.interactions_read, 5);
  EXPECT_EQ(dataset->stats.interactions_kept, 2);
  EXPECT_THAT(dataset->positives.user_ids, ElementsAre(1, 2));
  EXPECT_EQ(dataset->popularity.size(), 2u);

  // The same for an increment; once its time has come, an interaction counts.
  absl::StatusOr<PreparedDataset> increment = PrepareIncrementalDataset(source, hot, config, nullptr, kNow, kNow + 1);
  ASSERT_TRUE(increment.ok()) << increment.status();
  EXPECT_THAT(increment->positives.user_ids, ElementsAre(4));
  EXPECT_EQ(increment->stats.watermark, kNow + 1);
  EXPECT_THAT(increment->stats.dropped, ElementsAre(Pair("future", 2)));
}

TEST(PrepareDatasetTest, ANonNumericCatalogWeightIsAnError) {
  InMemoryCatalog catalog;
  catalog.interaction_types = {{.name = "view", .weight = std::nan("")}};
  InMemoryDataSource source(catalog);
  absl::StatusOr<PreparedDataset> dataset =
      PrepareDataset(source, {}, PreparationConfig{}, nullptr);
  EXPECT_EQ(dataset.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(dataset.status().message()), ::testing::HasSubstr("'view'"));
}

}  // namespace
}  // namespace vitrina::data
