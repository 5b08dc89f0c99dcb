// vitrina-bench-trainer-scale: WARP d 64 on the large generated set (500k users x 100k
// titles, 15.9M train positives): s/epoch with 1 and 2 threads, peak memory and where it goes,
// and P@10 / AUC on a sample of test users after the 1-thread fit (see bench/README.md).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/trainer/scale_dataset.h"
#include "bench/trainer/scale_dataset_files.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "trainer/evaluation.h"
#include "trainer/model.h"
#include "trainer/training_interactions.h"

namespace {

namespace trainer = vitrina::trainer;

constexpr double kMiB = 1024.0 * 1024.0;

// A /proc/self/status line in bytes (VmRSS: resident now, VmHWM: the peak so far).
double StatusBytes(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::strtod(line.c_str() + key.size() + 1, nullptr) * 1024.0;
  }
  return 0;
}

std::string LoadAverage() {
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) != 3) return "?";
  return fmt::format("{:.2f} {:.2f} {:.2f}", load[0], load[1], load[2]);
}

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

template <class Vector>
double VectorBytes(const Vector& v) {
  return static_cast<double>(v.capacity() * sizeof(typename Vector::value_type));
}

struct Flags {
  vitrina::bench::ScaleOptions data;
  std::vector<int> threads = {1, 2};
  int epochs = 2;
  int components = 64;
  std::string write_dataset;
};

std::string MemoryBreakdown(const trainer::Model& model, const trainer::Interactions& train,
                            double grouped_bytes, double rss_before_fit, double rss_in_fit) {
  std::string out;
  const trainer::ModelState& state = model.state();
  const auto n = static_cast<double>(train.size());
  const double input = VectorBytes(train.users) + VectorBytes(train.items) +
                       VectorBytes(train.values) + VectorBytes(train.weights);
  auto table_bytes = [](const trainer::EmbeddingTable& table) {
    return VectorBytes(table.weights) + VectorBytes(table.gradient_accumulators) +
           VectorBytes(table.update_accumulators);
  };
  const double users = table_bytes(state.users);
  const double items = table_bytes(state.items);
  const trainer::ServingIndex& serving = model.serving();
  const double serving_bytes =
      4.0 * static_cast<double>(serving.users().size() + serving.items().size() +
                                serving.unit_items().size()) +
      2.0 * static_cast<double>(serving.items().size() + serving.unit_items().size());
  const double in_fit_structures = rss_in_fit - rss_before_fit - users - items;
  out += fmt::format("\n| structure | MiB | bytes per |\n|---|---|---|\n");
  out += fmt::format("| input interactions (caller's COO: user, item, value, weight) | {:.1f} | {:.1f} per interaction |\n",
             input / kMiB, input / n);
  out += fmt::format("| user table ({} rows: weights + accumulators) | {:.1f} | {:.0f} per row |\n",
             state.users.n_features, users / kMiB, users / state.users.n_features);
  out += fmt::format("| item table ({} rows) | {:.1f} | {:.0f} per row |\n", state.items.n_features,
             items / kMiB, items / state.items.n_features);
  out += fmt::format("| grouped interactions (the fit's samples and positives lookup) | {:.1f} | {:.1f} per interaction |\n",
                     grouped_bytes / kMiB, grouped_bytes / n);
  out += fmt::format("| all fit-time structures (measured: RSS in the fit - before it - tables; grouped interactions, feature matrices, the model's copy of the dataset) | {:.1f} | {:.1f} per interaction |\n",
             in_fit_structures / kMiB, in_fit_structures / n);
  out += fmt::format("| serving index (float rows + half copies, built after the fit) | {:.1f} | |\n",
             serving_bytes / kMiB);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  Flags flags;
  CLI::App app{"WARP at 16M interactions: s/epoch, peak memory, P@10/AUC (see bench/README.md)."};
  app.add_option("--users", flags.data.users)->capture_default_str();
  app.add_option("--items", flags.data.items)->capture_default_str();
  app.add_option("--interactions", flags.data.interactions, "before the 80/20 split")->capture_default_str();
  app.add_option("--test-users", flags.data.test_users, "evaluated users")->capture_default_str();
  app.add_option("--seed", flags.data.seed)->capture_default_str();
  app.add_option("--threads", flags.threads, "one fit per entry")->capture_default_str();
  app.add_option("--epochs", flags.epochs, "per fit; P@10/AUC after the 1-thread fit")->capture_default_str();
  app.add_option("--components", flags.components)->capture_default_str();
  app.add_option("--write-dataset", flags.write_dataset,
                 "write the generated set to this folder (for bench/lightfm/lightfm_scale.py) and "
                 "exit without fitting");
  CLI11_PARSE(app, argc, argv);
  if (flags.epochs < 1 || flags.data.users < 1 || flags.data.items < flags.data.clusters ||
      flags.data.interactions < 1 ||
      flags.data.interactions > static_cast<int64_t>(flags.data.users) * flags.data.items / 2) {
    fmt::print(stderr, "--epochs, --users, --items and --interactions are out of range\n");
    return 1;
  }
  std::string command = "reproduce:";
  for (int i = 0; i < argc; ++i) command += fmt::format(" {}", argv[i]);
  fmt::print("{}\n\n", command);

  const auto generation_start = std::chrono::steady_clock::now();
  vitrina::bench::ScaleData data = vitrina::bench::MakeScaleData(flags.data);
  fmt::print(
      "generated {} users x {} items: {} train positives, {} test entries of {} sampled users in "
      "{:.1f} s; RSS {:.0f} MiB\n",
      flags.data.users, flags.data.items, data.train.size(), data.test.nnz(),
      flags.data.test_users,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - generation_start).count(),
      StatusBytes("VmRSS") / kMiB);
  if (!flags.write_dataset.empty()) {
    if (const absl::Status status = vitrina::bench::WriteScaleData(data, flags.write_dataset);
        !status.ok()) {
      fmt::print(stderr, "{}\n", std::string(status.message()));
      return 1;
    }
    fmt::print("wrote the set to {}\n", flags.write_dataset);
    return 0;
  }

  // What Fit builds from the input (the same function), measured here once outside the fits.
  const auto grouped_bytes = static_cast<double>(
      trainer::TrainingInteractions::FromInteractions(data.train).Bytes());
  fmt::print("\n| threads | epoch s/epoch | CPU s/epoch | sampled negatives | load average |\n|---|---|---|---|---|\n");
  // The first fit's figures: later fits start on a heap the earlier one left behind.
  double rss_before_fit = -1;
  double rss_in_fit = 0;
  std::string quality = "no 1-thread fit: no P@10 / AUC";
  std::string memory_breakdown;
  for (int threads : flags.threads) {
    trainer::Hyperparameters hp;
    hp.loss = trainer::LossKind::kWarp;
    hp.no_components = flags.components;
    hp.random_state = 1;
    trainer::Model model = *trainer::Model::Create(hp);
    const bool first = rss_before_fit < 0;
    if (first) rss_before_fit = StatusBytes("VmRSS");
    double cpu_start = CpuSeconds();
    const absl::Status status = model.Fit(
        data.dataset, data.train,
        {.epochs = flags.epochs, .threads = threads, .on_epoch = [&](const trainer::EpochReport& r) {
           const double cpu = CpuSeconds();
           if (first) rss_in_fit = std::max(rss_in_fit, StatusBytes("VmRSS"));
           fmt::print("| {} | {} {:.2f} | {:.2f} | {:.2f} | {} |\n", threads, r.epoch + 1,
                      r.seconds, cpu - cpu_start, r.figure, LoadAverage());
           std::fflush(stdout);
           cpu_start = cpu;
           return true;
         }});
    if (!status.ok()) {
      fmt::print(stderr, "fit failed: {}\n", std::string(status.message()));
      return 1;
    }
    if (threads == 1) {
      const auto summary = trainer::Evaluate(
          model, data.test, {.k = 10, .train = &data.train_of_test_users, .threads = 2});
      if (!summary.ok()) {
        fmt::print(stderr, "evaluation failed: {}\n", std::string(summary.status().message()));
        return 1;
      }
      quality = fmt::format("after {} epochs, 1 thread, {} test users: P@10 {:.4f}, AUC {:.4f}",
                            flags.epochs, summary->users, summary->precision_at_k, summary->auc);
    }
    if (first) memory_breakdown = MemoryBreakdown(model, data.train, grouped_bytes, rss_before_fit, rss_in_fit);
  }
  fmt::print("\n{}\n", quality);
  std::fputs(memory_breakdown.c_str(), stdout);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  fmt::print("\npeak RSS {:.0f} MiB (VmHWM; ru_maxrss {:.0f} MiB)\n", StatusBytes("VmHWM") / kMiB,
             static_cast<double>(usage.ru_maxrss) * 1024.0 / kMiB);
  return 0;
}
