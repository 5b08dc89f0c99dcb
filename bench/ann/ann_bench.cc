// vitrina-bench-ann: approximate retrieval (HNSW, serving/ann_sources.h) against the exact pass
// on a planted model of 1M titles x 64 (bench/ann/planted_factors.h). Prints the graph's build
// time and memory, then for each ef_search: recall@10 against the exact answer, serial latency of
// a cache miss's candidate fetch (p50/p99, exact vs ANN), and in-process throughput with
// --threads callers. See bench/README.md.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/ann/planted_factors.h"
#include "trainer/model_file.h"
#include "fmt/format.h"
#include "serving/ann_sources.h"
#include "serving/filter_chain.h"
#include "serving/hnsw_index.h"
#include "serving/model_sources.h"

namespace {

using Clock = std::chrono::steady_clock;
using vitrina::serving::Candidate;

double Seconds(Clock::time_point since) { return std::chrono::duration<double>(Clock::now() - since).count(); }

// This thread's CPU time in microseconds: on a shared machine the wall time of a call includes
// other processes' time slices, its CPU time does not.
double ThreadCpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

// Resident memory of this process (VmRSS), in MB.
double ResidentMegabytes() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kb = 0;
      status >> kb;
      return kb / 1024;
    }
    status.ignore(1 << 10, '\n');
  }
  return 0;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return fmt::format("{} {} {}", one, five, fifteen);
}

std::vector<int64_t> Ids(const std::vector<Candidate>& candidates, int k) {
  std::vector<int64_t> ids;
  for (int i = 0; i < std::min<int>(k, static_cast<int>(candidates.size())); ++i) ids.push_back(candidates[i].title_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

int main(int argc, char** argv) {
  vitrina::bench::PlantedFactorsSpec spec;
  vitrina::serving::HnswBuildParams build;
  build.threads = 2;
  std::vector<int> ef_searches{16, 32, 64, 128, 256};
  int queries = 1000;
  int fetch = 30;
  int recall_k = 10;
  int caller_threads = 2;
  double throughput_seconds = 5;
  std::string save_index;
  std::string load_index;
  vitrina::serving::OverFetchPolicy over_fetch;
  CLI::App app("vitrina-bench-ann: HNSW retrieval vs the exact pass on a planted model");
  std::string model_path;
  app.add_option("--model", model_path,
                 "a trained model file to search instead of the planted one (its first --queries users are "
                 "the queries; the generator options are then ignored; --load-index FILE.ann/personal.hnsw "
                 "reads the graph its training built)");
  app.add_option("--titles", spec.titles, "titles in the planted model");
  app.add_option("--users", spec.users, "users (query subjects)");
  app.add_option("--dim", spec.dim, "factor dimension");
  app.add_option("--clusters", spec.clusters, "planted clusters");
  app.add_option("--seed", spec.seed, "generator seed");
  app.add_option("--m", build.m, "HNSW M");
  app.add_option("--ef-construction", build.ef_construction, "HNSW ef_construction");
  app.add_option("--save-index", save_index, "write the built graph to this file (hnswlib's format)");
  app.add_option("--load-index", load_index, "read the graph from this file instead of building it (same "
                 "generator arguments as when it was saved)");
  app.add_option("--min-extra", over_fetch.min_extra, "over-fetch: the first round asks the graph for 2 * fetch + this");
  app.add_option("--build-threads", build.threads, "threads adding titles to the graph");
  app.add_option("--ef-search", ef_searches, "ef_search values to measure");
  app.add_option("--queries", queries, "query users (distinct, cycled)");
  app.add_option("--fetch", fetch, "titles fetched per call (a cache miss computes k + serving overfetch = 30)");
  app.add_option("--threads", caller_threads, "concurrent callers of the throughput run");
  app.add_option("--throughput-seconds", throughput_seconds, "length of each throughput run");
  CLI11_PARSE(app, argc, argv);

  fmt::print("# vitrina-bench-ann --titles {} --dim {} --clusters {} --m {} --ef-construction {} --build-threads {} "
             "--queries {} --fetch {} --min-extra {} --threads {}{}\n",
             spec.titles, spec.dim, spec.clusters, build.m, build.ef_construction, build.threads, queries,
             fetch, over_fetch.min_extra, caller_threads,
             (model_path.empty() ? "" : " --model " + model_path) +
                 (load_index.empty() ? "" : " --load-index " + load_index));
  fmt::print("# load average at start: {} ({} cores)\n", LoadAverage(), std::thread::hardware_concurrency());
  auto started = Clock::now();
  absl::StatusOr<vitrina::trainer::Model> loaded =
      model_path.empty() ? vitrina::bench::MakePlantedModel(spec) : vitrina::trainer::LoadModel(model_path);
  if (!loaded.ok()) {
    fmt::print(stderr, "{}: {}\n", model_path, std::string(loaded.status().message()));
    return 1;
  }
  const vitrina::trainer::Model model = *std::move(loaded);
  queries = std::min(queries, model.n_users());
  if (model_path.empty()) {
    fmt::print("planted model: {} titles x {} generated in {:.1f} s, RSS {:.0f} MB\n", model.n_items(), spec.dim,
               Seconds(started), ResidentMegabytes());
  } else {
    fmt::print("trained model {}: {} titles x {}, {} users, loaded in {:.1f} s, RSS {:.0f} MB\n", model_path,
               model.n_items(), model.hyperparameters().no_components, model.n_users(), Seconds(started),
               ResidentMegabytes());
  }

  const auto& items = model.serving().items();
  const double rss_before = ResidentMegabytes();
  started = Clock::now();
  absl::StatusOr<vitrina::serving::HnswIndex> graph;
  if (!load_index.empty()) {
    graph = vitrina::serving::HnswIndex::Load(load_index, static_cast<int>(items.cols()));
  } else {
    graph = vitrina::serving::HnswIndex::Build(items.data(), items.rows(), static_cast<int>(items.cols()), build);
  }
  if (!graph.ok()) {
    fmt::print(stderr, "{}\n", std::string(graph.status().message()));
    return 1;
  }
  if (graph->size() != items.rows()) {
    fmt::print(stderr, "the graph holds {} rows, the planted model {}\n", graph->size(), items.rows());
    return 1;
  }
  const double build_seconds = Seconds(started);
  fmt::print("index {}: {:.1f} s wall with {} threads ({:.0f} titles/s), M {}, ef_construction {}, graph {:.0f} MB, "
             "RSS +{:.0f} MB; load average now {}\n",
             load_index.empty() ? "build" : "load", build_seconds, build.threads, items.rows() / build_seconds,
             graph->m(), graph->ef_construction(), graph->MemoryBytes() / 1048576.0, ResidentMegabytes() - rss_before,
             LoadAverage());
  if (!save_index.empty()) {
    if (absl::Status saved = graph->Save(save_index); !saved.ok()) {
      fmt::print(stderr, "{}\n", std::string(saved.message()));
      return 1;
    }
    fmt::print("index saved to {}\n", save_index);
  }

  const vitrina::serving::FilterChain no_filter;
  std::vector<std::vector<int64_t>> exact_ids(static_cast<size_t>(queries));
  std::vector<double> exact_micros;
  for (int q = 0; q < queries; ++q) {
    const auto call = Clock::now();
    auto answer = vitrina::serving::PersonalRankingSource(model, q).Fetch(fetch, no_filter);
    exact_micros.push_back(Seconds(call) * 1e6);
    exact_ids[static_cast<size_t>(q)] = Ids(*answer, recall_k);
  }
  fmt::print("\nexact pass (half-precision scan + exact rescoring), fetch {}: p50 {:.0f} us, p99 {:.0f} us\n\n", fetch,
             Percentile(exact_micros, 0.5), Percentile(exact_micros, 0.99));

  fmt::print("| ef_search | recall@{} | queries under half | p50 us | p99 us | CPU p50 us | CPU p99 us | req/s ({} threads) "
             "| load avg |\n|---|---|---|---|---|---|---|---|---|\n",
             recall_k, caller_threads);
  for (int ef : ef_searches) {
    graph->set_ef_search(ef);
    std::vector<double> micros;
    std::vector<double> cpu_micros;
    double hits = 0;
    int poor = 0;  // queries that found fewer than half of their exact top
    for (int q = 0; q < queries; ++q) {
      const auto call = Clock::now();
      const double cpu_before = ThreadCpuMicros();
      auto answer = vitrina::serving::AnnPersonalSource(model, *graph, q, over_fetch).Fetch(fetch, no_filter);
      cpu_micros.push_back(ThreadCpuMicros() - cpu_before);
      micros.push_back(Seconds(call) * 1e6);
      std::vector<int64_t> ids = Ids(*answer, recall_k);
      std::vector<int64_t> common;
      std::set_intersection(ids.begin(), ids.end(), exact_ids[static_cast<size_t>(q)].begin(),
                            exact_ids[static_cast<size_t>(q)].end(), std::back_inserter(common));
      hits += static_cast<double>(common.size());
      if (2 * common.size() < exact_ids[static_cast<size_t>(q)].size()) ++poor;
    }
    std::atomic<int64_t> calls{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> callers;
    const auto throughput_started = Clock::now();
    for (int t = 0; t < caller_threads; ++t) {
      callers.emplace_back([&, t] {
        for (int q = t; !stop.load(std::memory_order_relaxed); q = (q + caller_threads) % queries) {
          (void)vitrina::serving::AnnPersonalSource(model, *graph, q, over_fetch).Fetch(fetch, no_filter);
          calls.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(throughput_seconds));
    stop = true;
    for (std::thread& caller : callers) caller.join();
    const double rate = static_cast<double>(calls.load()) / Seconds(throughput_started);
    fmt::print("| {} | {:.4f} | {} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {:.0f} | {} |\n", ef,
               hits / (queries * recall_k), poor, Percentile(micros, 0.5), Percentile(micros, 0.99),
               Percentile(cpu_micros, 0.5), Percentile(cpu_micros, 0.99), rate, LoadAverage());
  }
  return 0;
}
