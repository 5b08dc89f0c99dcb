#include "trainer/epoch_runner.h"

#include <chrono>
#include <numeric>
#include <span>
#include <thread>

namespace vitrina::trainer {

EpochResult RunEpoch(const Loss& loss, const TrainingContext& context, Pcg32& rng,
                     std::vector<Worker>& workers) {
  const auto start = std::chrono::steady_clock::now();
  const size_t n_samples = context.interactions.size();
  std::vector<int32_t> order(n_samples);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = n_samples; i > 1; --i) {
    std::swap(order[i - 1], order[rng.Below(static_cast<uint32_t>(i))]);
  }

  const uint64_t seed = (static_cast<uint64_t>(rng.Next()) << 32u) | rng.Next();
  const size_t n_workers = workers.size();
  for (size_t t = 0; t < n_workers; ++t) {
    workers[t].rng = Pcg32(seed, t);
    workers[t].scales.Reset(context.scales.Merge(1.0, 1.0));
    workers[t].figure_sum = 0;
    workers[t].figure_count = 0;
  }
  auto train_slice = [&](size_t t) {
    const size_t begin = n_samples * t / n_workers;
    const size_t end = n_samples * (t + 1) / n_workers;
    loss.TrainSamples(std::span<const int32_t>(order.data() + begin, end - begin), context, workers[t]);
    workers[t].scales.Merge(context.scales);
  };
  std::vector<std::thread> threads;
  threads.reserve(n_workers - 1);
  for (size_t t = 1; t < n_workers; ++t) threads.emplace_back(train_slice, t);
  train_slice(0);
  for (std::thread& thread : threads) thread.join();
  context.scales.Renormalize();

  EpochResult result;
  double figure_sum = 0;
  int64_t figure_count = 0;
  for (const Worker& worker : workers) {
    figure_sum += worker.figure_sum;
    figure_count += worker.figure_count;
  }
  result.figure = figure_count > 0 ? figure_sum / static_cast<double>(figure_count) : 0.0;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace vitrina::trainer
