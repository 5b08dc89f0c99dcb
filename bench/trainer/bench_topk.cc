// vitrina-bench-topk: the serving path for one user, scores of all items (one matrix-vector
// product) and the top 10, at 10k, 100k and 1M items, d = 64; and the serving path proper
// (Model::TopItemsForUser: half-precision scan + exact rescoring).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

#include "trainer/model.h"
#include "trainer/top_k.h"

namespace {

namespace trainer = vitrina::trainer;

constexpr int kComponents = 64;
constexpr int32_t kUsers = 64;

// A model with random parameters: serving cost does not depend on what was learned.
const trainer::Model& ModelWithItems(int32_t n_items) {
  static std::vector<std::pair<int32_t, trainer::Model>> cache;
  for (const auto& [items, model] : cache) {
    if (items == n_items) return model;
  }
  trainer::ModelState state;
  state.hyperparameters.no_components = kComponents;
  for (int32_t u = 0; u < kUsers; ++u) state.dataset.users().AddEntity(u);
  for (int32_t i = 0; i < n_items; ++i) state.dataset.items().AddEntity(i);
  trainer::Pcg32 rng(1, 0);
  state.users.Grow(kUsers, kComponents, trainer::LearningSchedule::kAdagrad, rng);
  state.items.Grow(n_items, kComponents, trainer::LearningSchedule::kAdagrad, rng);
  cache.emplace_back(n_items, *trainer::Model::FromState(std::move(state)));
  return cache.back().second;
}

void BM_ScoreItems(benchmark::State& state) {
  const trainer::Model& model = ModelWithItems(static_cast<int32_t>(state.range(0)));
  std::vector<float> scores(model.n_items());
  int32_t user = 0;
  for (auto _ : state) {
    model.ScoreItems(user, scores).IgnoreError();
    benchmark::DoNotOptimize(scores.data());
    user = (user + 1) % kUsers;
  }
  state.SetItemsProcessed(state.iterations() * model.n_items());
}

void BM_TopK(benchmark::State& state) {
  const trainer::Model& model = ModelWithItems(static_cast<int32_t>(state.range(0)));
  std::vector<float> scores(model.n_items());
  model.ScoreItems(0, scores).IgnoreError();
  for (auto _ : state) benchmark::DoNotOptimize(trainer::TopK(scores, 10));
  state.SetItemsProcessed(state.iterations() * model.n_items());
}

void BM_ScoreAndTopK(benchmark::State& state) {
  const trainer::Model& model = ModelWithItems(static_cast<int32_t>(state.range(0)));
  std::vector<float> scores(model.n_items());
  int32_t user = 0;
  for (auto _ : state) {
    model.ScoreItems(user, scores).IgnoreError();
    benchmark::DoNotOptimize(
        trainer::TopK(scores, 10, [](int32_t item) { return item % 97 == 0; }));
    user = (user + 1) % kUsers;
  }
  state.SetItemsProcessed(state.iterations() * model.n_items());
}

// What serving runs: the half-precision scan, then exact rescoring of the few rows it cannot rule
// out (the same answer as BM_ScoreAndTopK, with k 30 as the server's 10 + overfetch 20).
void BM_TopItemsForUser(benchmark::State& state) {
  const trainer::Model& model = ModelWithItems(static_cast<int32_t>(state.range(0)));
  int32_t user = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(model.TopItemsForUser(user, 30, [](int32_t item) { return item % 97 == 0; }));
    user = (user + 1) % kUsers;
  }
  state.SetItemsProcessed(state.iterations() * model.n_items());
}

BENCHMARK(BM_ScoreItems)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TopK)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ScoreAndTopK)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TopItemsForUser)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  std::printf("reproduce: %s", argv[0]);
  for (int i = 1; i < argc; ++i) std::printf(" %s", argv[i]);
  std::printf("\n");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
