#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "trainer/loss.h"
#include "trainer/random.h"
#include "trainer/training_context.h"
#include "trainer/worker.h"

namespace vitrina::trainer {

struct EpochResult {
  double seconds = 0;
  double figure = 0;  // mean over the epoch's samples of the loss's figure
};

// About this many interactions make one block of the visiting order: their users' parameter rows
// (with accumulators, ~256 users at 32 interactions each) and the block's samples stay in a core's
// L2 while the block trains, yet the block still mixes hundreds of users.
inline constexpr size_t kBlockSamples = 8192;

// Runs epochs, LightFM's _run_epoch with a visiting order that keeps the parameter rows in cache:
// shuffles the users with the model's random stream, gives each worker a contiguous slice of them
// and a random stream of its own (seeded from the model's stream and the worker's index); a worker
// takes its users a block at a time (about kBlockSamples interactions), shuffles the block's
// interactions with its stream and trains them. Every interaction is visited once per epoch in an
// order random within blocks and over blocks (SGD's statistics), but a user's row is read from
// memory once per block instead of once per interaction, and no epoch-sized order or copy of the
// samples exists. Workers train concurrently without locks (Hogwild; worker 0 runs on the calling
// thread), then the accumulated L2 scale is applied. One worker and the same stream give the same
// result bit for bit.
class EpochRunner {
 public:
  EpochRunner(const Loss& loss, const TrainingContext& context, int threads);
  EpochResult Run(Pcg32& rng);

 private:
  void TrainUsers(std::span<const int32_t> users, Worker& worker, std::vector<Sample>& block) const;

  const Loss& loss_;
  const TrainingContext& context_;
  std::vector<Worker> workers_;
  std::vector<int32_t> user_order_;
  std::vector<std::vector<Sample>> blocks_;  // one per worker
};

}  // namespace vitrina::trainer
