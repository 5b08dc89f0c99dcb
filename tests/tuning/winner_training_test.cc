#include "tuning/winner_training.h"

#include <gtest/gtest.h>

#include "tests/trainer/planted_data.h"

namespace vitrina::tuning {
namespace {

SearchResult WarpWinner(int epochs) {
  SearchResult search;
  search.winner.loss = trainer::LossKind::kWarp;
  search.winner.no_components = 8;
  search.winner.random_state = 3;
  search.winner_epochs = epochs;
  return search;
}

TEST(TrainWinnerTest, TrainsTheWinnersEpochsAskingBeforeEveryOneButTheFirst) {
  const trainer::testing::PlantedData data = trainer::testing::MakePlantedData();
  int asked = 0;
  const absl::StatusOr<TrainedWinner> trained =
      TrainWinner(WarpWinner(4), data.dataset, data.train, {.epochs = 99, .threads = 1},
                  [&](const trainer::EpochReport&) {
                    ++asked;
                    return true;
                  });
  ASSERT_TRUE(trained.ok()) << trained.status();
  EXPECT_EQ(trained->epochs, 4) << "the winner's epochs, not options.epochs";
  EXPECT_EQ(asked, 3) << "after the last epoch there is nothing left to stop";
  EXPECT_GT(trainer::testing::TestAuc(trained->model, data), 0.8);
}

// A budget that runs out after two epochs leaves the model of a two-epoch training, not an error.
TEST(TrainWinnerTest, AStopEndsTheTrainingWithTheModelTrainedSoFar) {
  const trainer::testing::PlantedData data = trainer::testing::MakePlantedData();
  const absl::StatusOr<TrainedWinner> stopped =
      TrainWinner(WarpWinner(6), data.dataset, data.train, {.threads = 1},
                  [](const trainer::EpochReport& report) { return report.epoch + 1 < 2; });
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->epochs, 2);
  const absl::StatusOr<TrainedWinner> two_epochs =
      TrainWinner(WarpWinner(2), data.dataset, data.train, {.threads = 1});
  ASSERT_TRUE(two_epochs.ok()) << two_epochs.status();
  EXPECT_DOUBLE_EQ(trainer::testing::TestAuc(stopped->model, data),
                   trainer::testing::TestAuc(two_epochs->model, data));
}

TEST(TrainWinnerTest, AFailingTrainingIsStillAnError) {
  const trainer::testing::PlantedData data = trainer::testing::MakePlantedData();
  SearchResult search = WarpWinner(3);
  search.winner.no_components = 0;
  EXPECT_EQ(TrainWinner(search, data.dataset, data.train, {.threads = 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace vitrina::tuning
