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

// Runs one epoch, LightFM's _run_epoch: shuffles the interaction indices with `rng`, gives each
// worker a contiguous slice of the shuffled order and a random stream of its own (seeded from
// `rng` and its index), trains the slices concurrently without locks (Hogwild; one worker runs on
// the calling thread), then applies the accumulated L2 scale. One worker and the same `rng` give
// the same result bit for bit.
EpochResult RunEpoch(const Loss& loss, const TrainingContext& context, Pcg32& rng,
                     std::vector<Worker>& workers);

}  // namespace vitrina::trainer
