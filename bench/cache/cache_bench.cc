// Latency of the result cache's calls, one caller at a time: Get hit, Get miss and Put, against a
// redis-server this program starts on 127.0.0.1 and against the in-process cache. Prints p50, p99
// and mean per call, and the command that reproduces the figures.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "cache/cache_config.h"
#include "cache/cache_factory.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"
#include "tests/testing/redis_server.h"

namespace vitrina::cache {
namespace {

using Clock = std::chrono::steady_clock;

// Distinct users the calls cycle through, so Redis and the in-memory shards see many keys.
constexpr int64_t kUsers = 10'000;

CacheKey UserKey(int64_t model_id, int64_t user_id) {
  return CacheKey{
      .kind = kUserAnswers, .model_id = model_id, .subject_id = user_id, .variant = "k20"};
}

struct Latency {
  double p50_us;
  double p99_us;
  double mean_us;
};

// Times `calls` calls of call(i) after a warm-up of a tenth as many.
Latency Measure(int calls, const std::function<void(int)>& call) {
  for (int i = 0; i < calls / 10; ++i) call(i);
  std::vector<double> micros(calls);
  for (int i = 0; i < calls; ++i) {
    const auto start = Clock::now();
    call(i);
    micros[i] = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
  }
  double total = 0;
  for (double us : micros) total += us;
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double quantile) {
    return micros[std::min(micros.size() - 1, static_cast<std::size_t>(quantile * micros.size()))];
  };
  return Latency{at(0.50), at(0.99), total / calls};
}

// Returns false when a call did not behave as the case expects (a miss instead of a hit...).
bool BenchBackend(ResultCache& cache, int calls, const std::string& payload) {
  for (int64_t user = 0; user < kUsers; ++user) cache.Put(UserKey(1, user), payload);
  bool as_expected = true;
  const auto report = [&](const char* operation, const Latency& latency) {
    fmt::print("{:<8} {:<9} {:>9.1f} {:>9.1f} {:>9.1f}\n", cache.BackendName(), operation,
               latency.p50_us, latency.p99_us, latency.mean_us);
  };
  report("get-hit", Measure(calls, [&](int i) {
           as_expected &= cache.Get(UserKey(1, i % kUsers)).has_value();
         }));
  report("get-miss", Measure(calls, [&](int i) {
           as_expected &= !cache.Get(UserKey(2, i % kUsers)).has_value();
         }));
  report("put", Measure(calls, [&](int i) { cache.Put(UserKey(3, i % kUsers), payload); }));
  const CacheStats stats = cache.Stats();
  if (stats.errors != 0) {
    fmt::print(stderr, "{}: {} calls failed\n", cache.BackendName(), stats.errors);
    as_expected = false;
  }
  return as_expected;
}

int Run(int argc, char** argv) {
  CLI::App app("Latency of the result cache: Get hit/miss and Put, Redis and in-memory");
  int calls = 20'000;
  int payload_bytes = 512;
  app.add_option("--calls", calls, "Timed calls per case")->check(CLI::Range(100, 10'000'000));
  app.add_option("--payload-bytes", payload_bytes, "Size of each cached answer")
      ->check(CLI::Range(1, 16 << 20));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  auto server = testing::RedisServer::Start();
  if (!server.ok()) {
    fmt::print(stderr, "cannot start redis-server: {}\n", std::string(server.status().message()));
    return 1;
  }
  // The default 20 ms command timeout would count a scheduling hiccup of a busy machine as a
  // failure; the bench measures latency, not degradation.
  const CacheConfig redis_config{.backend = CacheBackend::kRedis,
                                 .url = (*server)->Url(),
                                 .connect_timeout = std::chrono::seconds(1),
                                 .command_timeout = std::chrono::seconds(1)};
  const CacheConfig memory_config{.backend = CacheBackend::kMemory, .max_entries = 100'000};

  const std::string payload(payload_bytes, 'x');
  fmt::print(
      "result cache latency, one caller, {} calls per case, {}-byte answers, {} CPUs\n"
      "redis: redis-server on 127.0.0.1 (loopback), started by this program\n\n",
      calls, payload_bytes, std::thread::hardware_concurrency());
  fmt::print("{:<8} {:<9} {:>9} {:>9} {:>9}\n", "backend", "operation", "p50 us", "p99 us",
             "mean us");
  bool as_expected = true;
  for (const CacheConfig& config : {redis_config, memory_config}) {
    auto cache = MakeResultCache(config);
    if (!cache.ok()) {
      fmt::print(stderr, "{}\n", std::string(cache.status().message()));
      return 1;
    }
    as_expected &= BenchBackend(**cache, calls, payload);
  }
  fmt::print("\nreproduce: {} --calls {} --payload-bytes {}\n", argv[0], calls, payload_bytes);
  if (!as_expected) {
    fmt::print(stderr, "some calls did not hit or miss as expected: the figures are not valid\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace vitrina::cache

int main(int argc, char** argv) { return vitrina::cache::Run(argc, argv); }
