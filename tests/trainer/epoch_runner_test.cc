#include "trainer/epoch_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <tuple>
#include <vector>

#include "trainer/aligned_vector.h"
#include "trainer/sgd_step.h"
#include "trainer/warp_sampler.h"

namespace vitrina::trainer {
namespace {

using Visit = std::tuple<int32_t, int32_t, float, float>;

// A loss that trains nothing and records the samples it is given, block by block.
class RecordingLoss final : public Loss {
 public:
  void TrainSamples(std::span<const Sample> samples, const TrainingContext&,
                    Worker&) const override {
    const std::lock_guard lock(mutex_);
    blocks.emplace_back();
    for (const Sample& s : samples) blocks.back().emplace_back(s.user, s.item, s.value, s.weight);
  }
  std::string_view FigureName() const override { return "none"; }

  mutable std::mutex mutex_;
  mutable std::vector<std::vector<Visit>> blocks;
};

class EpochRunnerTest : public ::testing::Test {
 protected:
  EpochRunnerTest() {
    interactions_.n_users = 3000;
    interactions_.n_items = 50;
    Pcg32 rng(3, 0);
    for (int i = 0; i < 40000; ++i) {
      interactions_.Add(static_cast<int32_t>(rng.Below(3000)), static_cast<int32_t>(rng.Below(50)),
                        rng.Uniform() < 0.5f ? 1.0f : -1.0f, rng.Uniform());
    }
    grouped_ = TrainingInteractions::FromInteractions(interactions_);
    Pcg32 init(1, 1);
    users_.Grow(1, 4, LearningSchedule::kAdagrad, init);
    items_.Grow(1, 4, LearningSchedule::kAdagrad, init);
  }

  std::vector<Visit> Expected() const {
    std::vector<Visit> all;
    for (size_t i = 0; i < interactions_.size(); ++i) {
      all.emplace_back(interactions_.users[i], interactions_.items[i], interactions_.values[i],
                       interactions_.weights[i]);
    }
    std::sort(all.begin(), all.end());
    return all;
  }

  std::vector<std::vector<Visit>> RunEpoch(int threads, uint64_t seed) {
    RecordingLoss loss;
    RegularizationScales scales(users_, items_);
    const TrainingContext context{hp_, features_, features_, grouped_, users_, items_, scales};
    EpochRunner runner(loss, context, threads);
    Pcg32 rng(seed, 0);
    runner.Run(rng);
    return loss.blocks;
  }

  Hyperparameters hp_;
  CsrMatrix features_;
  Interactions interactions_;
  TrainingInteractions grouped_;
  EmbeddingTable users_;
  EmbeddingTable items_;
};

TEST_F(EpochRunnerTest, EveryInteractionIsVisitedOncePerEpochWithItsValueAndWeight) {
  for (int threads : {1, 2, 3}) {
    std::vector<Visit> visited;
    for (const auto& block : RunEpoch(threads, 7)) visited.insert(visited.end(), block.begin(), block.end());
    std::sort(visited.begin(), visited.end());
    EXPECT_EQ(visited, Expected()) << threads << " threads";
  }
}

TEST_F(EpochRunnerTest, BlocksAreBoundedAndShuffledAcrossTheirUsers) {
  const auto blocks = RunEpoch(1, 7);
  ASSERT_GT(blocks.size(), 3u);
  for (const auto& block : blocks) {
    // A block closes at the first user that takes it to kBlockSamples: one user's interactions
    // (at most a few dozen here) past the bound.
    EXPECT_LT(block.size(), kBlockSamples + 64);
    // Shuffled within the block: consecutive samples rarely share a user (a block has ~600 users).
    size_t same_user_runs = 0;
    for (size_t i = 1; i < block.size(); ++i) same_user_runs += std::get<0>(block[i]) == std::get<0>(block[i - 1]);
    EXPECT_LT(same_user_runs, block.size() / 50);
  }
  // The users are visited in a random order: the first block is not the lowest user indices.
  int32_t highest_user_in_first_block = 0;
  for (const Visit& v : blocks.front()) highest_user_in_first_block = std::max(highest_user_in_first_block, std::get<0>(v));
  EXPECT_GT(highest_user_in_first_block, 2000);
}

TEST_F(EpochRunnerTest, OneWorkerAndASeedGiveTheSameOrderAndAnotherSeedAnother) {
  EXPECT_EQ(RunEpoch(1, 11), RunEpoch(1, 11));
  EXPECT_NE(RunEpoch(1, 11), RunEpoch(1, 12));
}

// A Step stand-in that records the prefetches NegativeDraws asks for.
struct PrefetchLog {
  void PrefetchItemWeights(int32_t item) const { prefetched.push_back(item); }
  mutable std::vector<int32_t> prefetched;
};

TEST(NegativeDrawsTest, DrawsAreTheStreamsInOrderAndPrefetchedAheadOfUse) {
  PrefetchLog log;
  Pcg32 rng(5, 2);
  NegativeDraws<PrefetchLog> draws(log, rng, 1000);
  EXPECT_EQ(log.prefetched.size(), kNegativeDrawsAhead);
  Pcg32 on_demand(5, 2);
  for (size_t i = 0; i < 100; ++i) {
    const int32_t expected = static_cast<int32_t>(on_demand.Below(1000));
    // The item used now was prefetched kNegativeDrawsAhead draws ago.
    EXPECT_EQ(log.prefetched[i], expected);
    EXPECT_EQ(draws.Next(), expected);
    EXPECT_EQ(log.prefetched.size(), kNegativeDrawsAhead + i + 1);
  }
}

TEST(CacheAlignedAllocatorTest, TablesGetHugePageAlignmentAndSmallBuffersCacheLines) {
  AlignedFloats table(3u << 20u);  // 12 MiB
  EXPECT_EQ(reinterpret_cast<uintptr_t>(table.data()) % (2u << 20u), 0u);
  AlignedFloats row(72);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(row.data()) % 64u, 0u);
}

}  // namespace
}  // namespace vitrina::trainer
