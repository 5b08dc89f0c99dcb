#pragma once

#include <cstdint>
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

// Runs epochs, LightFM's _run_epoch: shuffles the interactions with the model's random stream,
// gives each worker a contiguous slice of the shuffled samples and a random stream of its own
// (seeded from the model's stream and the worker's index), trains the slices concurrently without
// locks (Hogwild; worker 0 runs on the calling thread), then applies the accumulated L2 scale.
// One worker and the same stream give the same result bit for bit.
class EpochRunner {
 public:
  EpochRunner(const Loss& loss, const TrainingContext& context, int threads);
  EpochResult Run(Pcg32& rng);

 private:
  const Loss& loss_;
  const TrainingContext& context_;
  std::vector<Worker> workers_;
  std::vector<uint32_t> order_;
  std::vector<Sample> shuffled_;  // the samples in this epoch's order: read sequentially
};

}  // namespace vitrina::trainer
