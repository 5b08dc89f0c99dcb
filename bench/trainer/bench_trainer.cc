// vitrina-bench-trainer: quality and speed of every loss on MovieLens 100k (LightFM's
// fetch_movielens split and settings), next to LightFM 1.17's figures; then the Hogwild speed-up
// of WARP d 64 on a large generated dataset.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/trainer/synthetic_interactions.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "trainer/evaluation.h"
#include "trainer/model.h"
#include "trainer/train_test_set.h"
#include "trainer/triplet_file.h"

namespace {

namespace trainer = vitrina::trainer;

struct Flags {
  std::string data = std::string(VITRINA_SHARED_DATA) + "/ml-100k";
  // LightFM's reference figures are the mean over random_state 42..46.
  int first_seed = 42;
  int seeds = 5;
  int epochs = 30;
  bool skip_movielens = false;
  bool skip_large = false;
  int32_t large_users = 50000;
  int32_t large_items = 20000;
  int64_t large_interactions = 2000000;
  int large_epochs = 3;
};

// A row of the table: LightFM 1.17's quality (seeds 42..46), and its s/epoch measured on
// this 2-core machine by bench/lightfm/lightfm_reference.py (2026-11-22).
struct Setting {
  trainer::LossKind loss;
  int components;
  int threads;
  double lightfm_precision;
  double lightfm_seconds;
};

constexpr Setting kSettings[] = {
    {trainer::LossKind::kWarp, 30, 1, 0.1411, 0.0418},
    {trainer::LossKind::kWarp, 30, 2, 0.1396, 0.0305},
    {trainer::LossKind::kBpr, 30, 1, 0.1023, 0.0378},
    {trainer::LossKind::kWarpKos, 30, 1, 0.1289, 0.0725},
    {trainer::LossKind::kLogistic, 30, 1, 0.0746, 0.0240},
    {trainer::LossKind::kWarp, 64, 1, 0.1318, 0.0838},
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

struct EpochTimes {
  double wall = 0;  // median over the epochs
  double cpu = 0;   // mean over the epochs, all threads together
};

// Process CPU time: on a shared machine the wall clock also counts the time other programs held
// the cores; CPU time summed over threads shows what the work itself cost, and that 2 threads do
// not spend more than 1 (no contention overhead) even when they could not run at once.
double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

EpochTimes Train(trainer::Model& model, const trainer::Dataset& dataset,
                 const trainer::Interactions& train, int epochs, int threads) {
  std::vector<double> seconds;
  const double cpu_start = CpuSeconds();
  const absl::Status status = model.Fit(
      dataset, train,
      {.epochs = epochs, .threads = threads, .on_epoch = [&](const trainer::EpochReport& r) {
         seconds.push_back(r.seconds);
         return true;
       }});
  if (!status.ok()) {
    fmt::print(stderr, "fit failed: {}\n", std::string(status.message()));
    std::exit(1);
  }
  return {Median(seconds), (CpuSeconds() - cpu_start) / epochs};
}

int RunMovieLens(const Flags& flags) {
  const auto train_rows = trainer::ReadTripletFile(flags.data + "/ua.base");
  const auto test_rows = trainer::ReadTripletFile(flags.data + "/ua.test");
  if (!train_rows.ok() || !test_rows.ok()) {
    fmt::print(stderr, "MovieLens 100k not readable in {}: {}\n", flags.data,
               std::string((train_rows.ok() ? test_rows.status() : train_rows.status()).message()));
    return 1;
  }
  const auto set = trainer::BuildTrainTestSet(*train_rows, *test_rows, {.min_rating = 4.0f});
  const trainer::CsrMatrix train = set->train.ToCsr();
  const trainer::CsrMatrix test = set->test.ToCsr();
  fmt::print(
      "## MovieLens 100k: ua.base / ua.test, rating >= 4, lr 0.05, adagrad, max_sampled 10, {} "
      "epochs, "
      "mean of seeds {}..{}\n\n",
      flags.epochs, flags.first_seed, flags.first_seed + flags.seeds - 1);
  fmt::print(
      "| loss | d | threads | P@10 | R@10 | AUC | s/epoch (median) | CPU s/epoch | LightFM P@10 | "
      "LightFM s/epoch (here) | speed-up |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Setting& setting : kSettings) {
    double precision = 0, recall = 0, auc = 0, seconds = 0, cpu = 0;
    for (int seed = flags.first_seed; seed < flags.first_seed + flags.seeds; ++seed) {
      trainer::Hyperparameters hp;
      hp.loss = setting.loss;
      hp.no_components = setting.components;
      hp.random_state = static_cast<uint64_t>(seed);
      trainer::Model model = *trainer::Model::Create(hp);
      const EpochTimes times =
          Train(model, set->dataset, set->train, flags.epochs, setting.threads);
      seconds += times.wall;
      cpu += times.cpu;
      const auto summary = trainer::Evaluate(model, test, {.k = 10, .train = &train, .threads = 2});
      precision += summary->precision_at_k;
      recall += summary->recall_at_k;
      auc += summary->auc;
    }
    const double n = flags.seeds;
    fmt::print(
        "| {} | {} | {} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.4f} | {:.3f} | {:.1f}x "
        "|\n",
        trainer::LossName(setting.loss), setting.components, setting.threads, precision / n,
        recall / n, auc / n, seconds / n, cpu / n, setting.lightfm_precision,
        setting.lightfm_seconds, setting.lightfm_seconds / (seconds / n));
    std::fflush(stdout);
  }
  return 0;
}

void RunLarge(const Flags& flags) {
  const vitrina::bench::SyntheticData data =
      vitrina::bench::MakeSyntheticData({.users = flags.large_users,
                                         .items = flags.large_items,
                                         .interactions = flags.large_interactions});
  const auto split = trainer::RandomTrainTestSplit(data.interactions, 0.2, 1);
  fmt::print(
      "\n## Generated: {} users x {} items x {} interactions ({} train), WARP d 64, median of {} "
      "epochs\n\n",
      flags.large_users, flags.large_items, flags.large_interactions, split->first.size(),
      flags.large_epochs);
  fmt::print("| threads | s/epoch (median) | speed-up | CPU s/epoch |\n|---|---|---|---|\n");
  double one_thread = 0;
  for (int threads : {1, 2}) {
    trainer::Hyperparameters hp;
    hp.loss = trainer::LossKind::kWarp;
    hp.no_components = 64;
    hp.random_state = 1;
    trainer::Model model = *trainer::Model::Create(hp);
    const EpochTimes times = Train(model, data.dataset, split->first, flags.large_epochs, threads);
    if (threads == 1) one_thread = times.wall;
    fmt::print("| {} | {:.3f} | {:.2f}x | {:.3f} |\n", threads, times.wall, one_thread / times.wall,
               times.cpu);
    std::fflush(stdout);
  }
  fmt::print(
      "\nLightFM 1.17 on this kind of machine (1.57M train): 6.4 s/epoch with 1 thread, 3.35 with "
      "2 (1.9x).\n");
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  Flags flags;
  CLI::App app{"Trainer quality and speed next to LightFM 1.17 (see bench/README.md)."};
  app.add_option("--data", flags.data, "folder with ua.base and ua.test")->capture_default_str();
  app.add_option("--first-seed", flags.first_seed, "first random_state (LightFM's reference: 42)")
      ->capture_default_str();
  app.add_option("--seeds", flags.seeds, "seeds per MovieLens setting")->capture_default_str();
  app.add_option("--epochs", flags.epochs, "MovieLens epochs")->capture_default_str();
  app.add_flag("--skip-movielens", flags.skip_movielens, "only the generated dataset");
  app.add_flag("--skip-large", flags.skip_large, "only MovieLens");
  app.add_option("--large-users", flags.large_users)->capture_default_str();
  app.add_option("--large-items", flags.large_items)->capture_default_str();
  app.add_option("--large-interactions", flags.large_interactions)->capture_default_str();
  app.add_option("--large-epochs", flags.large_epochs)->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (flags.seeds < 1 || flags.epochs < 1 || flags.large_epochs < 1) {
    fmt::print(stderr, "--seeds, --epochs and --large-epochs must be >= 1\n");
    return 1;
  }

  std::string command = "reproduce:";
  for (int i = 0; i < argc; ++i) command += fmt::format(" {}", argv[i]);
  fmt::print("{}\n\n", command);
  if (!flags.skip_movielens && RunMovieLens(flags) != 0) return 1;
  if (!flags.skip_large) RunLarge(flags);
  return 0;
}
