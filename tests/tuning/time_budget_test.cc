#include "tuning/time_budget.h"

#include <gtest/gtest.h>

namespace vitrina::tuning {
namespace {

// Rungs 9 and 27 (eta 3), two threads, a refit on 1.25x the fit split's data.
TimeBudget NineAndTwentySeven(double budget_seconds) {
  return TimeBudget(budget_seconds, {9, 27}, 3, 2, 1.25);
}

TEST(TimeBudgetTest, BeforeAnyMeasurementOnlyTheTimeSpentCounts) {
  const TimeBudget budget = NineAndTwentySeven(10);
  EXPECT_FALSE(budget.SecondsPerEpoch().has_value());
  EXPECT_TRUE(budget.MayStart(9.9, {.rung = 0, .slot = 5, .trial_seconds_per_epoch = {}}));
  EXPECT_FALSE(budget.MayStart(10, {.rung = 0, .slot = 5, .trial_seconds_per_epoch = {}}));
}

TEST(TimeBudgetTest, TheDearestEpochMeasuredIsTheEstimate) {
  TimeBudget budget = NineAndTwentySeven(10);
  budget.Record(0.9, 9);    // 0.1 s per epoch
  budget.Record(0.36, 18);  // 0.02: cheaper, not the estimate
  ASSERT_TRUE(budget.SecondsPerEpoch().has_value());
  EXPECT_DOUBLE_EQ(*budget.SecondsPerEpoch(), 0.1);
  budget.Record(1.0, 0);  // no epochs: nothing to learn from
  EXPECT_DOUBLE_EQ(*budget.SecondsPerEpoch(), 0.1);
}

TEST(TimeBudgetTest, AFirstRungTrialCommitsToItsShareOfTheLaterRungsAndTheRefit) {
  const TimeBudget budget = NineAndTwentySeven(100);
  // The refit's 27 epochs on 1.25x the data on 2 threads, each kRefitEpochShareWithThreads of a
  // trial's epoch scaled to that data.
  const double refit = 27 * 0.1 * 1.25 * TimeBudget::kRefitEpochShareWithThreads;
  // Slot 5 (the sixth trial) at 0.1 s per epoch: its own 9 epochs (0.9 s), then the 2 of 6 trials
  // promoted train 18 more epochs in one wave of 2 threads (1.8 s), then the refit.
  EXPECT_NEAR(budget.CommittedSeconds({.rung = 0, .slot = 5, .trial_seconds_per_epoch = {}}, 0.1),
              0.9 + 1.8 + refit, 1e-12);
  // Slot 8: 3 of 9 promoted, two waves.
  EXPECT_NEAR(budget.CommittedSeconds({.rung = 0, .slot = 8, .trial_seconds_per_epoch = {}}, 0.1),
              0.9 + 3.6 + refit, 1e-12);
  // A last-rung trial at its own measured cost: its 18 epochs and its refit should it win.
  EXPECT_NEAR(budget.CommittedSeconds({.rung = 1, .slot = 0, .trial_seconds_per_epoch = 0.05}, 0.1),
              0.9 + refit / 2, 1e-12);
}

TEST(TimeBudgetTest, OnOneThreadTheRefitEpochCostsATrialsScaledToItsData) {
  const TimeBudget budget(100, {9, 27}, 3, 1, 1.25);
  // 9 epochs, then 2 of 6 trials 18 more one after the other, then 27 * 0.1 * 1.25.
  EXPECT_NEAR(budget.CommittedSeconds({.rung = 0, .slot = 5, .trial_seconds_per_epoch = {}}, 0.1),
              0.9 + 2 * 1.8 + 3.375, 1e-12);
}

TEST(TimeBudgetTest, ARungStartsOnlyIfWhatItCommitsToEndsWithinTheBudget) {
  TimeBudget budget = NineAndTwentySeven(10);
  budget.Record(0.9, 9);
  const double committed =
      budget.CommittedSeconds({.rung = 0, .slot = 5, .trial_seconds_per_epoch = {}}, 0.1);  // 5.4 s
  const double planned = TimeBudget::kPlannedShare * 10;
  EXPECT_TRUE(budget.MayStart(planned - committed - 0.01,
                              {.rung = 0, .slot = 5, .trial_seconds_per_epoch = {}}));
  EXPECT_FALSE(budget.MayStart(planned - committed + 0.01,
                               {.rung = 0, .slot = 5, .trial_seconds_per_epoch = {}}));
}

// A continuing trial refused its whole rung trains what the budget affords it alone: n more epochs
// at its cost, then the refit at 9 + n epochs (one thread: 0.1 s x 1.25 each), within 95%.
TEST(TimeBudgetTest, ARefusedContinuationTrainsTheEpochsTheBudgetAffordsIt) {
  TimeBudget budget(10, {9, 27}, 3, 1, 1.25);
  const RungStart second_rung{.rung = 1, .slot = 0, .trial_seconds_per_epoch = 0.1};
  EXPECT_FALSE(budget.AffordableEpochs(6, second_rung, 9).has_value()) << "nothing measured yet";
  budget.Record(0.9, 9);
  ASSERT_FALSE(budget.MayStart(6, second_rung));
  // 6 s + 10 x 0.1 s + the refit's 19 x 0.125 s = 9.375 s; one more epoch would end at 9.6 s.
  EXPECT_EQ(budget.AffordableEpochs(6, second_rung, 9), 19);
  EXPECT_EQ(budget.AffordableEpochs(7, second_rung, 9), 15);  // 6 more, the fewest worth it: 18 / 3
  EXPECT_FALSE(budget.AffordableEpochs(7.2, second_rung, 9).has_value()) << "5 more are too few";
  // Never beyond the rung, and never a shortened first rung (its trials would be compared at
  // different epochs).
  EXPECT_EQ(budget.AffordableEpochs(0, second_rung, 9), 27);
  EXPECT_FALSE(budget.AffordableEpochs(0, {.rung = 0, .slot = 3, .trial_seconds_per_epoch = {}}, 0)
                   .has_value());
}

}  // namespace
}  // namespace vitrina::tuning
