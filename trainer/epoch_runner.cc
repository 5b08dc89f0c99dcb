#include "trainer/epoch_runner.h"

#include <chrono>
#include <numeric>
#include <thread>

namespace vitrina::trainer {

EpochRunner::EpochRunner(const Loss& loss, const TrainingContext& context, int threads)
    : loss_(loss),
      context_(context),
      workers_(threads, Worker(context.users.stride)),
      user_order_(static_cast<size_t>(context.interactions.n_users)),
      blocks_(threads) {
  for (std::vector<Sample>& block : blocks_) block.reserve(kBlockSamples);
}

void EpochRunner::TrainUsers(std::span<const int32_t> users, Worker& worker,
                             std::vector<Sample>& block) const {
  const TrainingInteractions& interactions = context_.interactions;
  size_t u = 0;
  while (u < users.size()) {
    block.clear();
    for (; u < users.size() && block.size() < kBlockSamples; ++u) {
      const int32_t user = users[u];
      for (int64_t i = interactions.offsets[user]; i < interactions.offsets[user + 1]; ++i) {
        block.push_back({user, interactions.items[i], interactions.Value(i), interactions.Weight(i)});
      }
    }
    for (size_t i = block.size(); i > 1; --i) {
      std::swap(block[i - 1], block[worker.rng.Below(static_cast<uint32_t>(i))]);
    }
    loss_.TrainSamples(block, context_, worker);
  }
}

EpochResult EpochRunner::Run(Pcg32& rng) {
  const auto start = std::chrono::steady_clock::now();
  const size_t n_users = user_order_.size();
  std::iota(user_order_.begin(), user_order_.end(), 0);
  for (size_t i = n_users; i > 1; --i) {
    std::swap(user_order_[i - 1], user_order_[rng.Below(static_cast<uint32_t>(i))]);
  }

  const uint64_t seed = (static_cast<uint64_t>(rng.Next()) << 32u) | rng.Next();
  const size_t n_workers = workers_.size();
  for (size_t t = 0; t < n_workers; ++t) {
    workers_[t].rng = Pcg32(seed, t);
    workers_[t].scales.Reset(context_.scales.Current());
    workers_[t].figure_sum = 0;
    workers_[t].figure_count = 0;
  }
  auto train_slice = [&](size_t t) {
    const size_t begin = n_users * t / n_workers;
    const size_t end = n_users * (t + 1) / n_workers;
    TrainUsers(std::span<const int32_t>(user_order_.data() + begin, end - begin), workers_[t],
               blocks_[t]);
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
