#include "tuning/successive_halving.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "tests/trainer/planted_data.h"
#include "tuning/quasi_random.h"
#include "trainer/evaluation.h"
#include "tuning/validation_split.h"
#include "tuning/winner_training.h"

namespace vitrina::tuning {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(RungEpochsTest, SpacesTheRungsEtaApartFromMinToMax) {
  EXPECT_EQ(RungEpochs(3, 27, 3), (std::vector<int>{3, 9, 27}));
  EXPECT_EQ(RungEpochs(4, 36, 3), (std::vector<int>{4, 12, 36}));
  EXPECT_EQ(RungEpochs(5, 30, 3), (std::vector<int>{10, 30}));  // 30 / 9 would be below 5
  EXPECT_EQ(RungEpochs(1, 16, 2), (std::vector<int>{1, 2, 4, 8, 16}));
  EXPECT_EQ(RungEpochs(7, 7, 3), (std::vector<int>{7}));
  EXPECT_TRUE(RungEpochs(0, 7, 3).empty());
}

TEST(KeepTopTest, KeepsTheBestOneEthBestFirst) {
  const std::vector<double> scores = {0.1, 0.5, 0.3, 0.9, 0.2, 0.8, 0.4, 0.7, 0.6};
  EXPECT_EQ(KeepTop(scores, 3), (std::vector<int>{3, 5, 7}));
  EXPECT_EQ(KeepTop(scores, 2), (std::vector<int>{3, 5, 7, 8}));  // floor(9 / 2)
  EXPECT_EQ(KeepTop(std::vector<double>{0.2, 0.1}, 3), (std::vector<int>{0}));  // at least one
  EXPECT_TRUE(KeepTop(std::vector<double>{}, 3).empty());
}

TEST(KeepTopTest, TiesGoToTheEarlierTrialAndFailuresLast) {
  EXPECT_EQ(KeepTop(std::vector<double>{0.5, 0.7, 0.7, 0.1, 0.7, 0.2}, 2),
            (std::vector<int>{1, 2, 4}));
  EXPECT_EQ(KeepTop(std::vector<double>{kNaN, 0.1, kNaN}, 3), (std::vector<int>{1}));
}

// A trial's score at a rung it was measured at.
double Score(const std::vector<const TrialRecord*>& rung, int trial) {
  for (const TrialRecord* record : rung) {
    if (record->trial == trial) return record->validation_metric;
  }
  return kNaN;
}

class RunSearchTest : public ::testing::Test {
 protected:
  static SearchOptions SmallSearch() {
    SearchOptions options;
    options.budget.max_trials = 9;
    options.space.min_components = 4;
    options.space.max_components = 16;
    options.space.min_epochs = 1;
    options.space.max_epochs = 9;
    options.seed = 11;
    return options;
  }

  const trainer::testing::PlantedData data_ = trainer::testing::MakePlantedData();
};

TEST_F(RunSearchTest, EachRungContinuesTheBestThirdOfThePrevious) {
  std::vector<TrialRecord> heard;
  const absl::StatusOr<SearchResult> result =
      RunSearch(data_.dataset, data_.train, SmallSearch(), [&](const TrialRecord& record) {
        heard.push_back(record);
        return true;
      });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->rung_epochs, (std::vector<int>{1, 3, 9}));
  ASSERT_GE(result->trials.size(), 9u + 1u);
  ASSERT_LE(result->trials.size(), 9u + 3u + 1u);
  EXPECT_EQ(heard.size(), result->trials.size());

  std::map<int, std::vector<const TrialRecord*>> by_rung;
  for (const TrialRecord& record : result->trials) {
    EXPECT_TRUE(record.error.empty()) << record.error;
    EXPECT_EQ(record.epochs, result->rung_epochs[record.rung]);
    EXPECT_GT(record.seconds, 0);
    by_rung[record.rung].push_back(&record);
  }
  for (int rung = 0; rung + 1 < 3; ++rung) {
    std::vector<double> scores;
    for (const TrialRecord* record : by_rung[rung]) scores.push_back(record->validation_metric);
    std::set<int> expected;
    for (int position : KeepTop(scores, 3)) {
      const TrialRecord& record = *by_rung[rung][position];
      if (rung == 0 || record.validation_metric >= Score(by_rung[rung - 1], record.trial)) {
        expected.insert(record.trial);
      }
    }
    std::set<int> promoted;
    for (const TrialRecord* record : by_rung[rung + 1]) promoted.insert(record->trial);
    EXPECT_EQ(promoted, expected) << "rung " << rung + 1;
  }
  // The winner is the best measurement of any rung, with the epochs it had then, one at fewer
  // epochs than the last rung's needing a kFewerEpochsMargin lead.
  auto judged = [&](const TrialRecord& record) {
    return record.epochs == 9 ? record.validation_metric
                              : record.validation_metric / (1 + kFewerEpochsMargin);
  };
  const auto best = std::max_element(
      result->trials.begin(), result->trials.end(),
      [&](const TrialRecord& a, const TrialRecord& b) { return judged(a) < judged(b); });
  EXPECT_EQ(result->winner_validation_metric, best->validation_metric);
  EXPECT_EQ(result->winner_epochs, best->epochs);
  EXPECT_EQ(result->winner.no_components, result->trials[best - result->trials.begin()].hyperparameters.no_components);
  EXPECT_EQ(result->winner.random_state, 11u);
  // Each user holds out 3 positives, ~2.7 of them among the ~28 unseen items of its cluster: a
  // model that ranks by cluster scores ~0.1, chance ~0.016.
  EXPECT_GT(result->winner_validation_metric, 0.06);
  EXPECT_FALSE(result->stopped_by_time);
}

// Rungs continue the same model with fit_partial (1, then 2 more, then 6 more epochs): a trial's
// last measurement is exactly what one fit of its parameters for that many epochs on the same
// split scores, neither 1 + 3 + 9 epochs nor a model restarted at some rung.
TEST_F(RunSearchTest, ARungMeasuresExactlyItsEpochsOfTraining) {
  const SearchOptions options = SmallSearch();
  const SearchResult result = *RunSearch(data_.dataset, data_.train, options);
  const TrialRecord& last = result.trials.back();
  ASSERT_GT(last.rung, 0);
  const ValidationSplit split = *SplitPerUser(data_.train, options.validation_fraction, options.seed);
  trainer::Model direct = *trainer::Model::Create(last.hyperparameters);
  ASSERT_TRUE(direct.Fit(data_.dataset, split.fit, {.epochs = last.epochs, .threads = 1}).ok());
  const trainer::CsrMatrix fit = split.fit.ToCsr();
  const trainer::EvaluationSummary summary =
      *trainer::Evaluate(direct, split.validation.ToCsr(), {.k = options.k, .train = &fit});
  EXPECT_EQ(summary.precision_at_k, last.validation_metric);
}

// Unregularised WARP with a high learning rate overfits the planted data: its validation score
// peaks early and falls. The search keeps the peak (the winner's epochs are those it scored best
// at, not the last rung's) and does not continue a trial whose score fell.
TEST_F(RunSearchTest, AnOverfittingTrialWinsWithItsBestEpochsAndStopsWhenItsScoreFalls) {
  SearchOptions options = SmallSearch();
  options.budget.max_trials = 3;
  options.space.min_components = options.space.max_components = 16;
  options.space.learning_rate = LogRange{0.3, 0.3};
  options.space.zero_alpha_probability = 0.99;
  options.space.min_max_sampled = options.space.max_max_sampled = 30;
  options.space.min_epochs = 1;
  options.space.max_epochs = 81;
  const SearchResult result = *RunSearch(data_.dataset, data_.train, options);
  std::map<int, double> previous;  // trial -> score at its previous rung
  bool fell = false;
  for (const TrialRecord& record : result.trials) {
    if (previous.contains(record.trial)) {
      EXPECT_GE(previous[record.trial], 0) << "trial " << record.trial << " continued after its score fell";
      if (record.validation_metric < previous[record.trial]) {
        fell = true;
        previous[record.trial] = -1;  // it must not appear again
        continue;
      }
    }
    previous[record.trial] = record.validation_metric;
  }
  ASSERT_TRUE(fell) << "the planted data no longer makes this trial overfit";
  const auto best = std::max_element(result.trials.begin(), result.trials.end(),
                                     [](const TrialRecord& a, const TrialRecord& b) {
                                       return a.validation_metric < b.validation_metric;
                                     });
  EXPECT_EQ(result.winner_epochs, best->epochs);
  EXPECT_LT(result.winner_epochs, result.rung_epochs.back());
  EXPECT_EQ(result.winner_validation_metric, best->validation_metric);
}

// Each trial trains on one thread with its own seed, so threads change no measurement; they only
// keep more trials going when a rung would keep fewer than the threads (9 trials, eta 3: rung 1
// measures 3 either way, then one thread continues 1 of them, three threads all 3).
TEST_F(RunSearchTest, ThreadsChangeNoMeasurementAndKeepAsManyTrialsGoingAsThreads) {
  SearchOptions options = SmallSearch();
  const SearchResult one = *RunSearch(data_.dataset, data_.train, options);
  options.threads = 3;
  const SearchResult three = *RunSearch(data_.dataset, data_.train, options);
  std::map<std::pair<int, int>, double> three_scores;  // (trial, rung) -> score
  std::map<int, int> three_per_rung;
  for (const TrialRecord& record : three.trials) {
    three_scores[{record.trial, record.rung}] = record.validation_metric;
    ++three_per_rung[record.rung];
  }
  std::map<int, int> one_per_rung;
  for (const TrialRecord& record : one.trials) {
    ++one_per_rung[record.rung];
    ASSERT_TRUE(three_scores.contains({record.trial, record.rung}))
        << "trial " << record.trial << " rung " << record.rung;
    EXPECT_EQ(three_scores[std::make_pair(record.trial, record.rung)], record.validation_metric);
  }
  EXPECT_EQ(one_per_rung[0], 9);
  EXPECT_EQ(three_per_rung[0], 9);
  EXPECT_EQ(three_per_rung[1], 3);
  EXPECT_LE(one_per_rung[2], 1);
  EXPECT_GE(three_per_rung[2], 2);  // a trial whose score fell stops
}

TEST_F(RunSearchTest, TheCallbackCancels) {
  int heard = 0;
  const absl::StatusOr<SearchResult> result =
      RunSearch(data_.dataset, data_.train, SmallSearch(), [&](const TrialRecord&) {
        return ++heard < 2;
      });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(heard, 2);
}

TEST_F(RunSearchTest, AnExhaustedTimeBudgetStillNamesAWinner) {
  SearchOptions options = SmallSearch();
  options.budget.max_seconds = 1e-9;  // over before the second trial starts
  const absl::StatusOr<SearchResult> result = RunSearch(data_.dataset, data_.train, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->stopped_by_time);
  ASSERT_EQ(result->trials.size(), 1u);
  EXPECT_EQ(result->winner_trial, 0);
  EXPECT_EQ(result->winner_epochs, 1);
}

// The first trial is the centre of the space; the quasi-random points follow from the second.
TEST_F(RunSearchTest, TheFirstTrialIsTheCentreOfTheSpace) {
  SearchOptions options = SmallSearch();
  options.budget.max_trials = 2;
  const SearchResult result = *RunSearch(data_.dataset, data_.train, options);
  const trainer::Hyperparameters centre = HyperparametersAt(
      options.space, std::vector<double>(kSearchDimensions, 0.5), options.base);
  const trainer::Hyperparameters second = HyperparametersAt(
      options.space, QuasiRandomPoints(kSearchDimensions, 11).Point(0), options.base);
  std::map<int, const TrialRecord*> first_rung;
  for (const TrialRecord& record : result.trials) {
    if (record.rung == 0) first_rung[record.trial] = &record;
  }
  ASSERT_EQ(first_rung.size(), 2u);
  EXPECT_EQ(first_rung[0]->hyperparameters.no_components, centre.no_components);
  EXPECT_EQ(first_rung[0]->hyperparameters.learning_rate, centre.learning_rate);
  EXPECT_EQ(first_rung[0]->hyperparameters.item_alpha, centre.item_alpha);
  EXPECT_EQ(first_rung[0]->hyperparameters.max_sampled, centre.max_sampled);
  EXPECT_EQ(first_rung[1]->hyperparameters.learning_rate, second.learning_rate);
  EXPECT_EQ(first_rung[1]->hyperparameters.no_components, second.no_components);
}

TEST(PromotedCountTest, AThirdAtLeastOneAndNeverFewerThanTheThreads) {
  EXPECT_EQ(PromotedCount(9, 3, 1), 3);
  EXPECT_EQ(PromotedCount(3, 3, 1), 1);
  EXPECT_EQ(PromotedCount(2, 3, 1), 1);
  EXPECT_EQ(PromotedCount(3, 3, 2), 2);
  EXPECT_EQ(PromotedCount(1, 3, 2), 1);  // never more than were measured
  EXPECT_EQ(PromotedCount(9, 3, 2), 3);
  EXPECT_EQ(PromotedCount(0, 3, 2), 0);
}

TrialRecord Measured(int trial, int rung, int epochs, double score) {
  TrialRecord record;
  record.trial = trial;
  record.rung = rung;
  record.epochs = epochs;
  record.validation_metric = score;
  return record;
}

TEST(PickWinnerTest, ATrialTheBudgetCutBeforeItsNextRungWinsOnlyAlone) {
  const std::vector<TrialRecord> trials = {Measured(0, 0, 9, 0.170), Measured(1, 0, 9, 0.180),
                                           Measured(2, 0, 9, 0.150), Measured(0, 1, 27, 0.173)};
  // Trial 1 earned rung 1 but the budget refused it: trial 0's 27 epochs win.
  EXPECT_EQ(PickWinner(trials, {false, true, false}, 0.02), 3u);
  // Had it not been cut (it fell back, say), its 9-epoch score, 4% better, wins: overfitting
  // trials keep their best epochs.
  EXPECT_EQ(PickWinner(trials, {false, false, false}, 0.02), 1u);
  // Every trial cut: the best measurement still names a winner.
  EXPECT_EQ(PickWinner(trials, {true, true, true}, 0.02), 1u);
  EXPECT_EQ(PickWinner(std::vector<TrialRecord>{Measured(0, 0, 9, kNaN)}, {false}, 0.02),
            std::nullopt);
  // Ties go to the earlier measurement.
  EXPECT_EQ(PickWinner(std::vector<TrialRecord>{Measured(0, 0, 9, 0.2), Measured(1, 0, 9, 0.2)},
                       {false, false}, 0.02),
            0u);
}

TEST(PickWinnerTest, FewerEpochsMustWinByTheMargin) {
  // Seed 3 of ml-100k's search: trial 1 scored 0.1764 at 9 epochs and 0.1736 at 27, trial 0
  // 0.1757 at 27. 0.4% is noise: the longer-trained measurement wins.
  const std::vector<TrialRecord> trials = {Measured(0, 0, 9, 0.1700), Measured(1, 0, 9, 0.1764),
                                           Measured(0, 1, 27, 0.1757), Measured(1, 1, 27, 0.1736)};
  EXPECT_EQ(PickWinner(trials, {false, false}, 0.02), 2u);
  EXPECT_EQ(PickWinner(trials, {false, false}, 0.0), 1u);  // without a margin, the best score
}

// The budget shortened trial 0's last rung to 25 epochs: it is still the last rung, and its better
// score wins over trial 1's full 27 epochs without a margin to clear.
TEST(PickWinnerTest, AShortenedRungIsJudgedWithItsRung) {
  const std::vector<TrialRecord> trials = {Measured(0, 0, 9, 0.1196), Measured(1, 0, 9, 0.1130),
                                           Measured(1, 1, 27, 0.1239), Measured(0, 1, 25, 0.1251)};
  EXPECT_EQ(PickWinner(trials, {false, false}, 0.02), 3u);
}

// A clock that advances by a fixed cost per epoch trained: the budget's decisions then follow the
// epochs alone, not the machine's load (a fresh-machine CI run once made an epoch 3x dearer halfway
// through and left no trial at the last rung).
class EpochCountingClock final : public SearchClock {
 public:
  explicit EpochCountingClock(double seconds_per_epoch) : seconds_per_epoch_(seconds_per_epoch) {}
  double Seconds() const override { return seconds_per_epoch_ * static_cast<double>(epochs_); }
  void EpochTrained() override { ++epochs_; }
  int64_t epochs() const { return epochs_; }

 private:
  const double seconds_per_epoch_;
  std::atomic<int64_t> epochs_ = 0;
};

// With many trials and a budget of 60 epochs, the old rule (start while time is left) spent it all
// on the first rung and never measured a trial at the last; the budget now keeps room for the rungs
// the first rung's trials earn and for the winner's refit, and the whole run ends within the budget.
TEST(RunSearchBudgetTest, TheFirstRungLeavesRoomForTheLastRungAndTheRefit) {
  const trainer::testing::PlantedData data =
      trainer::testing::MakePlantedData({.users = 600, .items = 300, .positives_per_user = 20});
  constexpr double kSecondsPerEpoch = 0.5;
  auto clock = std::make_shared<EpochCountingClock>(kSecondsPerEpoch);
  SearchOptions options;
  options.space.min_components = 8;
  options.space.max_components = 16;
  options.space.min_epochs = 1;
  options.space.max_epochs = 9;
  options.seed = 3;
  options.budget.max_trials = 500;
  options.budget.max_seconds = 60 * kSecondsPerEpoch;
  options.clock = clock;
  const SearchResult result = *RunSearch(data.dataset, data.train, options);

  EXPECT_TRUE(result.stopped_by_time);
  int first_rung = 0;
  int last_rung = 0;
  for (const TrialRecord& record : result.trials) {
    first_rung += record.rung == 0 ? 1 : 0;
    last_rung += record.rung == 2 ? 1 : 0;
  }
  EXPECT_GE(first_rung, 3);
  EXPECT_GE(last_rung, 1) << first_rung << " trials measured at the first rung, none at the last";
  // The trials' epochs as the clock counted them, and the refit's on all of `train` (the search
  // fitted on 1 - validation_fraction of it): the whole run ends within the budget.
  EXPECT_DOUBLE_EQ(result.seconds, kSecondsPerEpoch * static_cast<double>(clock->epochs()));
  const double refit_seconds =
      result.winner_epochs * kSecondsPerEpoch / (1 - options.validation_fraction);
  EXPECT_LE(result.seconds + refit_seconds, *options.budget.max_seconds)
      << result.trials.size() << " measurements, winner at " << result.winner_epochs << " epochs";
  const absl::StatusOr<TrainedWinner> winner =
      TrainWinner(result, data.dataset, data.train, {.threads = 1});
  EXPECT_TRUE(winner.ok()) << winner.status();
}

// A budget that cannot afford the last rung but can afford some of it: the continuing trial trains
// as many epochs as fit with its refit, is measured there, and the run still ends within the budget.
TEST(RunSearchBudgetTest, ALastRungTheBudgetCannotAffordInFullIsTrainedAsFarAsItCan) {
  const trainer::testing::PlantedData data = trainer::testing::MakePlantedData();
  constexpr double kSecondsPerEpoch = 0.5;
  auto clock = std::make_shared<EpochCountingClock>(kSecondsPerEpoch);
  SearchOptions options;
  options.space.min_components = options.space.max_components = 8;
  options.space.min_epochs = 3;
  options.space.max_epochs = 9;  // rungs 3 and 9
  options.seed = 3;
  options.budget.max_trials = 1;
  // After the first rung (1.5 s) the second (3 s) and a 9-epoch refit (~5.6 s) do not fit in 95% of
  // 8.5 s; 4 more epochs and a 7-epoch refit do.
  options.budget.max_seconds = 8.5;
  options.clock = clock;
  const SearchResult result = *RunSearch(data.dataset, data.train, options);

  ASSERT_EQ(result.trials.size(), 2u);
  EXPECT_EQ(result.trials[0].epochs, 3);
  EXPECT_GT(result.trials[1].epochs, 3);
  EXPECT_LT(result.trials[1].epochs, 9);
  EXPECT_EQ(result.trials[1].rung, 1);
  EXPECT_TRUE(result.stopped_by_time);
  const double refit_seconds =
      result.winner_epochs * kSecondsPerEpoch / (1 - options.validation_fraction);
  EXPECT_LE(result.seconds + refit_seconds, *options.budget.max_seconds)
      << "winner at " << result.winner_epochs << " epochs";
}

TEST_F(RunSearchTest, TheWinnerIsRetrainedOnEverything) {
  const SearchResult result = *RunSearch(data_.dataset, data_.train, SmallSearch());
  const absl::StatusOr<TrainedWinner> trained =
      TrainWinner(result, data_.dataset, data_.train, {.epochs = 1000, .threads = 1});
  ASSERT_TRUE(trained.ok()) << trained.status();
  EXPECT_EQ(trained->epochs, result.winner_epochs);
  EXPECT_EQ(trained->model.hyperparameters().no_components, result.winner.no_components);
  EXPECT_GT(trainer::testing::TestAuc(trained->model, data_), 0.8);
}

TEST_F(RunSearchTest, BadOptionsNameTheField) {
  auto message = [&](auto change) {
    SearchOptions options = SmallSearch();
    change(options);
    const absl::StatusOr<SearchResult> result = RunSearch(data_.dataset, data_.train, options);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(result.status().message());
  };
  EXPECT_NE(message([](SearchOptions& o) { o.budget.max_trials = 0; }).find("max_trials"),
            std::string::npos);
  EXPECT_NE(message([](SearchOptions& o) { o.budget.max_seconds = -1; }).find("max_seconds"),
            std::string::npos);
  EXPECT_NE(message([](SearchOptions& o) { o.eta = 1; }).find("eta"), std::string::npos);
  EXPECT_NE(message([](SearchOptions& o) { o.threads = 0; }).find("threads"), std::string::npos);
  EXPECT_NE(message([](SearchOptions& o) { o.validation_fraction = 1; }).find("validation_fraction"),
            std::string::npos);
  EXPECT_NE(message([](SearchOptions& o) { o.space.losses.clear(); }).find("losses"),
            std::string::npos);
}

}  // namespace
}  // namespace vitrina::tuning
