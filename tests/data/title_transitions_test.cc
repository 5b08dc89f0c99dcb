#include "data/title_transitions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "data/in_memory_data_source.h"

namespace vitrina::data {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Plays weigh by their value, anything else by 1; "skip" events stay out of the sequences.
std::optional<float> PlayOrOne(const InteractionRecord& event) {
  if (event.type == "skip") return std::nullopt;
  if (event.type == "play") return static_cast<float>(event.value);
  return 1.0f;
}

TitleTransitionConfig NoHoldout() {
  TitleTransitionConfig config;
  config.session_gap_seconds = 1800;
  config.holdout_fraction = 0;
  return config;
}

TEST(SplitTitleTransitionsTest, OrdersByTimeAndCutsSessionsAtTheGap) {
  std::vector<InteractionRecord> events{
      {1, 12, "play", 0.5, 1200},  // out of order on purpose
      {1, 10, "play", 1.0, 1000},
      {1, 11, "play", 0.8, 1100},
      {1, 13, "play", 1.0, 1200 + 1801},  // more than the gap later: a new session
      {1, 14, "play", 1.0, 1200 + 1801 + 60},
      {2, 11, "play", 1.0, 1150},  // another user's event never links to user 1's
  };
  TitleTransitions out = SplitTitleTransitions(events, PlayOrOne, NoHoldout(), 7);
  EXPECT_THAT(out.train, ElementsAre(TitleTransition{10, 11, 0.8f}, TitleTransition{11, 12, 0.5f},
                                     TitleTransition{13, 14, 1.0f}));
  EXPECT_THAT(out.test, IsEmpty());
  EXPECT_EQ(out.sessions, 2);
  EXPECT_EQ(out.events, 6);
  EXPECT_EQ(out.watermark, 1200 + 1801 + 60);
}

TEST(SplitTitleTransitionsTest, SkipsRepeatsZeroWeightsUntimedAndExcludedEvents) {
  std::vector<InteractionRecord> events{
      {1, 10, "play", 1.0, 100},
      {1, 10, "play", 1.0, 110},  // the same title again: no transition to itself
      {1, 20, "skip", 0.0, 115},  // left out of the sequence: 10 is still the previous title
      {1, 11, "play", 0.0, 120},  // consumed nothing: in the sequence, no transition into it
      {1, 12, "play", 0.7, 130},
      {1, 13, "play", 1.0, 0},  // no time: cannot be placed
  };
  TitleTransitions out = SplitTitleTransitions(events, PlayOrOne, NoHoldout(), 7);
  EXPECT_THAT(out.train, ElementsAre(TitleTransition{11, 12, 0.7f}));
}

TEST(SplitTitleTransitionsTest, HoldsOutTheLastTransitionOfSampledSessionsReproducibly) {
  std::vector<InteractionRecord> events;
  for (int64_t user = 1; user <= 200; ++user) {
    for (int64_t step = 0; step < 4; ++step) events.push_back({user, 100 + step, "play", 1.0, 1000 + step * 60});
  }
  TitleTransitionConfig config = NoHoldout();
  config.holdout_fraction = 0.25;
  TitleTransitions out = SplitTitleTransitions(events, PlayOrOne, config, 42);
  EXPECT_EQ(out.sessions, 200);
  EXPECT_EQ(out.train.size() + out.test.size(), 600u);
  // Every held-out transition is a session's last one (102 -> 103 here).
  for (const TitleTransition& t : out.test) EXPECT_EQ(t, (TitleTransition{102, 103, 1.0f}));
  EXPECT_GT(out.test.size(), 25u);
  EXPECT_LT(out.test.size(), 75u);
  TitleTransitions again = SplitTitleTransitions(events, PlayOrOne, config, 42);
  EXPECT_EQ(again.test.size(), out.test.size());
  EXPECT_EQ(again.train, out.train);
}

TEST(ReadTitleTransitionsTest, WeighsPlaysByTheirShareAndOtherTypesByThePreparationRules) {
  InMemoryCatalog catalog;
  catalog.interaction_types = {{"view", 2.0}};
  catalog.interactions = {
      {1, 10, "view", 0.9, 100},
      {1, 11, "play", 0.4, 200},
      {1, 12, "view", 0.2, 300},   // under view's min_value: no transition into it
      {1, 13, "rating", 5, 400},   // a type nobody knows: left out
      {1, 14, "view", 0.6, 500},
      {1, 15, "play", 1.0, 9999},  // after as_of: left for a later training
  };
  InMemoryDataSource source(std::move(catalog));
  std::vector<InteractionRecord> hot{{1, 16, "play", 1.5, 600}};  // a share is at most 1
  PreparationConfig preparation;
  preparation.interaction_rules["view"] = {.weight = std::nullopt, .min_value = 0.5, .scale_by_value = true};
  absl::StatusOr<TitleTransitions> out = ReadTitleTransitions(
      source, hot, preparation, NoHoldout(), [](int64_t title) { return title != 99; }, 1000, 1);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(out->train, ElementsAre(TitleTransition{10, 11, 0.4f}, TitleTransition{12, 14, 2.0f * 0.6f},
                                      TitleTransition{14, 16, 1.0f}));
}

}  // namespace
}  // namespace vitrina::data
