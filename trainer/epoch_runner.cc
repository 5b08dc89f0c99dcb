#include "trainer/epoch_runner.h"

#include <chrono>
#include <numeric>
#include <span>
#include <thread>

namespace vitrina::trainer {

EpochRunner::EpochRunner(const Loss& loss, const TrainingContext& context, int threads)
    : loss_(loss),
      context_(context),
      workers_(threads, Worker(context.users.stride)),
      order_(context.samples.size()),
      shuffled_(context.samples.size()) {}

EpochResult EpochRunner::Run(Pcg32& rng) {
  const auto start = std::chrono::steady_clock::now();
  const size_t n_samples = order_.size();
  std::iota(order_.begin(), order_.end(), 0u);
  for (size_t i = n_samples; i > 1; --i) {
    std::swap(order_[i - 1], order_[rng.Below(static_cast<uint32_t>(i))]);
  }
  for (size_t i = 0; i < n_samples; ++i) shuffled_[i] = context_.samples[order_[i]];

  const uint64_t seed = (static_cast<uint64_t>(rng.Next()) << 32u) | rng.Next();
  const size_t n_workers = workers_.size();
  for (size_t t = 0; t < n_workers; ++t) {
    workers_[t].rng = Pcg32(seed, t);
    workers_[t].scales.Reset(context_.scales.Current());
    workers_[t].figure_sum = 0;
    workers_[t].figure_count = 0;
  }
  auto train_slice = [&](size_t t) {
    const size_t begin = n_samples * t / n_workers;
    const size_t end = n_samples * (t + 1) / n_workers;
    loss_.TrainSamples(std::span<const Sample>(shuffled_.data() + begin, end - begin), context_,
                       workers_[t]);
    workers_[t].scales.Merge(context_.scales);
  };
  std::vector<std::thread> threads;
  threads.reserve(n_workers - 1);
  for (size_t t = 1; t < n_workers; ++t) threads.emplace_back(train_slice, t);
  train_slice(0);
  for (std::thread& thread : threads) thread.join();
  context_.scales.Renormalize();

  EpochResult result;
  double figure_sum = 0;
  int64_t figure_count = 0;
  for (const Worker& worker : workers_) {
    figure_sum += worker.figure_sum;
    figure_count += worker.figure_count;
  }
  result.figure = figure_count > 0 ? figure_sum / static_cast<double>(figure_count) : 0.0;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace vitrina::trainer
