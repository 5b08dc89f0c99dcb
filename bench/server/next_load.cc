// Load benchmark of the classic next-track route POST /next/{user}, with session memory in this
// process and then in a real redis-server it starts on a free loopback port. The server is the real
// Application (the one vitrina-server runs) on loopback ports the kernel picks, over a generated
// demo catalog (100k titles by default) and its trained model, both kept in the work dir so later
// runs start in seconds. Listeners play sessions of 20 tracks ended by POST /last (each answer is
// the next call's track; the played share cycles through 0.9, 0.5, 0.1, 0.75, 0.2): first serially
// on one keep-alive connection (latency percentiles), then on `connections` connections at once,
// one client thread each (HTTP/1.1 has one request in flight per connection, so 4 x 8 = 32
// connections keep 32 requests in flight), for requests per second.
#include "server/application.h"  // before httplib: see application.h

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <latch>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "fmt/format.h"
#include "tests/testing/redis_server.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string work_dir = "/tmp/vitrina-bench-next";
  int titles = 100000;
  int users = 20000;
  int interactions = 1000000;
  uint64_t seed = 42;
  int components = 64;
  int epochs = 5;
  std::string policy;  // empty: the server's default
  int serial = 5000;
  int requests = 20000;
  int connections = 32;
  double phase_seconds = 120;  // no call of a phase starts after this
  double call_timeout_seconds = 5;
  double ready_seconds = 1800;  // the first training on a new catalog
  bool redis = true;
};

std::string LoadAverage() {
  std::ifstream file("/proc/loadavg");
  double one = 0, five = 0, fifteen = 0;
  file >> one >> five >> fifteen;
  return fmt::format("{:.2f} {:.2f} {:.2f}", one, five, fifteen);
}

// CPU time of this whole process (the server's threads and the client's), in micros: serially, the
// difference over one call is what the call cost in CPU, whatever the machine's load made it wait.
double ProcessCpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// The calls of one phase, shared by its client threads: bounded by a deadline; failures counted
// and the first few printed.
class Phase {
 public:
  Phase(const Options& options, int port, int64_t first_track)
      : options_(options), port_(port), first_track_(first_track),
        deadline_(Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.phase_seconds))) {}

  // Plays up to `calls` /next calls of `user`'s sessions; the latency of each in micros (and, when
  // `cpu` is given, the process CPU time of each: meaningful only when nothing else runs in it).
  // With `connected`, one untimed call opens the connection first, one connection at a time (a
  // burst of connects overflowed the accept backlog of 5 that cpp-httplib listens with, before the
  // gateway widened it; kept so a server of that age measures the same), then it waits for the
  // latch, so that the timed calls all run at once.
  std::vector<double> Play(int64_t user, int calls, std::vector<double>* cpu = nullptr, std::latch* connected = nullptr) {
    httplib::Client client("127.0.0.1", port_);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    const auto timeout = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::duration<double>(options_.call_timeout_seconds));
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    const std::string target =
        options_.policy.empty() ? fmt::format("/next/{}", user) : fmt::format("/next/{}?policy={}", user, options_.policy);
    const std::string last = fmt::format("/last/{}", user);
    static constexpr double kPlayed[] = {0.9, 0.5, 0.1, 0.75, 0.2};
    static const std::regex kAnswer(R"(\{"user": [0-9]+, "track": ([0-9]+)\})");
    std::vector<double> micros;
    micros.reserve(static_cast<size_t>(calls));
    int64_t track = first_track_;
    if (connected != nullptr) {
      {
        std::lock_guard one_at_a_time(connecting_);
        httplib::Result opened = client.Post(target, fmt::format(R"({{"track": {}, "time": 0.5}})", track), "application/json");
        if (!opened || opened->status != 200) Fail(fmt::format("POST {} (connecting)", target), opened);
      }
      connected->arrive_and_wait();
    }
    for (int i = 0; i < calls && Clock::now() < deadline_; ++i) {
      if (i % 20 == 19) {  // sessions of 20 tracks, ended as a player ends them (not timed)
        httplib::Result ended = client.Post(last, fmt::format(R"({{"track": {}, "time": 1}})", track), "application/json");
        if (!ended || ended->status != 200) Fail("POST " + last, ended);
        track = first_track_;
      }
      const std::string body = fmt::format(R"({{"track": {}, "time": {}}})", track, kPlayed[i % 5]);
      const double cpu_start = cpu != nullptr ? ProcessCpuMicros() : 0;
      const auto start = Clock::now();
      httplib::Result result = client.Post(target, body, "application/json");
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      if (cpu != nullptr) cpu->push_back(ProcessCpuMicros() - cpu_start);
      std::smatch match;
      if (!result || result->status != 200 || !std::regex_match(result->body, match, kAnswer)) {
        Fail(fmt::format("POST {} (after {:.0f} us)", target, micros.back()), result);
        track = first_track_;
        continue;
      }
      track = std::stoll(match[1]);
    }
    return micros;
  }

  bool timed_out() const { return Clock::now() >= deadline_; }
  int64_t failed() const { return failed_.load(); }

 private:
  void Fail(const std::string& what, const httplib::Result& result) {
    if (failed_.fetch_add(1) < 3) {
      std::fprintf(stderr, "%s: %s\n", what.c_str(),
                   result ? fmt::format("{} {}", result->status, result->body).c_str() : httplib::to_string(result.error()).c_str());
    }
  }

  const Options& options_;
  const int port_;
  const int64_t first_track_;
  const Clock::time_point deadline_;
  std::atomic<int64_t> failed_{0};
  std::mutex connecting_;
};

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

struct Figures {
  std::string memory;
  int64_t serial_calls = 0;
  double p50 = 0, p99 = 0, p999 = 0, max = 0;
  double cpu_p50 = 0, cpu_p99 = 0;  // process CPU per serial call (server and client)
  std::string serial_load;
  int64_t concurrent_calls = 0;
  double requests_per_second = 0, concurrent_p50 = 0, concurrent_p99 = 0;
  std::string concurrent_load;
  int64_t failed = 0;
  bool timed_out = false;
};

// A title the model knows, where sessions start: the first answer of a popular pick.
absl::StatusOr<int64_t> StartTrack(int port) {
  httplib::Client client("127.0.0.1", port);
  httplib::Result result = client.Post("/titles/next", R"({"user_id": "1", "policy": "top_popular"})", "application/json");
  std::smatch match;
  static const std::regex kTitle(R"re("titleId":\s*"?([0-9]+))re");
  if (!result || result->status != 200 || !std::regex_search(result->body, match, kTitle)) {
    return absl::UnavailableError(fmt::format("POST /titles/next: {}", result ? result->body : httplib::to_string(result.error())));
  }
  return std::stoll(match[1]);
}

absl::StatusOr<Figures> Measure(const Options& options, int port, const std::string& memory) {
  absl::StatusOr<int64_t> first_track = StartTrack(port);
  if (!first_track.ok()) return first_track.status();
  Figures figures;
  figures.memory = memory;
  {
    Phase warm_up(options, port, *first_track);
    warm_up.Play(0, std::max(options.serial / 10, 20));
  }
  Phase serial(options, port, *first_track);
  std::vector<double> latency;
  std::vector<double> cpu;
  for (int64_t user = 1; static_cast<int>(latency.size()) < options.serial && !serial.timed_out(); ++user) {
    std::vector<double> session = serial.Play(user % options.users, 20, &cpu);
    latency.insert(latency.end(), session.begin(), session.end());
  }
  figures.cpu_p50 = Percentile(cpu, 0.5);
  figures.cpu_p99 = Percentile(cpu, 0.99);
  figures.serial_load = LoadAverage();
  figures.serial_calls = static_cast<int64_t>(latency.size());
  figures.p50 = Percentile(latency, 0.5);
  figures.p99 = Percentile(latency, 0.99);
  figures.p999 = Percentile(latency, 0.999);
  figures.max = Percentile(latency, 1.0);

  Phase concurrent(options, port, *first_track);
  std::vector<std::vector<double>> per_connection(static_cast<size_t>(options.connections));
  const int per = std::max(options.requests / options.connections, 1);
  std::latch connected(options.connections + 1);
  Clock::time_point start;
  {
    std::vector<std::thread> threads;
    for (int c = 0; c < options.connections; ++c) {
      threads.emplace_back([&, c] {
        per_connection[static_cast<size_t>(c)] = concurrent.Play((1000 + c) % options.users, per, nullptr, &connected);
      });
    }
    connected.arrive_and_wait();
    start = Clock::now();
    for (std::thread& thread : threads) thread.join();
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  figures.concurrent_load = LoadAverage();
  std::vector<double> all;
  for (const auto& part : per_connection) all.insert(all.end(), part.begin(), part.end());
  figures.concurrent_calls = static_cast<int64_t>(all.size());
  figures.requests_per_second = static_cast<double>(all.size()) / seconds;
  figures.concurrent_p50 = Percentile(all, 0.5);
  figures.concurrent_p99 = Percentile(all, 0.99);
  figures.failed = serial.failed() + concurrent.failed();
  figures.timed_out = serial.timed_out() || concurrent.timed_out();
  return figures;
}

vitrina::server::ServerConfig Config(const Options& options) {
  auto parsed = vitrina::server::ServerConfig::Parse("", [](const char*) -> const char* { return nullptr; });
  vitrina::server::ServerConfig config = *parsed;  // the defaults always parse
  config.listen = "127.0.0.1:0";
  config.http_listen = "127.0.0.1:0";
  config.http.threads = options.connections + 2;  // one per open keep-alive connection
  config.data_dir = options.work_dir;
  config.log_level = "warn";
  config.demo.generate_if_missing = true;
  config.demo.seed = options.seed;
  config.demo.users = options.users;
  config.demo.titles = options.titles;
  config.demo.interactions = options.interactions;
  config.training.defaults.set_no_components(options.components);
  config.training.defaults.set_epochs(options.epochs);
  config.training.defaults.set_threads(2);
  config.schedule.nightly = "";
  return config;
}

// Runs the server on `config` until its model serves, measures, stops it.
absl::StatusOr<Figures> Run(const Options& options, vitrina::server::ServerConfig config, const std::string& memory) {
  absl::StatusOr<std::unique_ptr<vitrina::server::Application>> app = vitrina::server::Application::Create(std::move(config));
  if (!app.ok()) return app.status();
  if (absl::Status started = (*app)->Start(); !started.ok()) return started;
  const auto ready_by = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options.ready_seconds));
  bool announced = false;
  while (!(*app)->serving()) {
    if (Clock::now() >= ready_by) {
      (*app)->Shutdown();
      return absl::DeadlineExceededError(fmt::format("no model served within {} s (--ready-seconds)", options.ready_seconds));
    }
    if (!announced) {
      std::fprintf(stderr, "waiting for the model (a first training on a new catalog takes minutes)\n");
      announced = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  absl::StatusOr<Figures> figures = Measure(options, (*app)->http_port(), memory);
  (*app)->Shutdown();
  return figures;
}

// The catalog, registry and model in the work dir belong to the spec they were made for.
void PrepareWorkDir(const Options& options) {
  const std::filesystem::path dir(options.work_dir);
  const std::string spec = fmt::format("titles={} users={} interactions={} seed={} components={} epochs={}", options.titles,
                                       options.users, options.interactions, options.seed, options.components, options.epochs);
  std::ifstream kept(dir / "bench-spec");
  std::string kept_spec;
  std::getline(kept, kept_spec);
  if (kept_spec != spec) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "bench-spec") << spec << "\n";
  }
}

void Print(const Figures& f) {
  fmt::print("{:<8} serial:     {} requests, p50 {:.0f} us, p99 {:.0f} us, p99.9 {:.0f} us, max {:.0f} us; CPU per call p50 {:.0f} us, "
             "p99 {:.0f} us (load average {})\n",
             f.memory, f.serial_calls, f.p50, f.p99, f.p999, f.max, f.cpu_p50, f.cpu_p99, f.serial_load);
  fmt::print("{:<8} concurrent: {} requests, {:.0f} req/s, p50 {:.0f} us, p99 {:.0f} us (load average {})\n", f.memory,
             f.concurrent_calls, f.requests_per_second, f.concurrent_p50, f.concurrent_p99, f.concurrent_load);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(
      "Times POST /next/{user} of the real server on a generated catalog: serial latency, then requests/s on "
      "concurrent keep-alive connections; session memory in process, then in a redis-server started here");
  Options options;
  app.add_option("--work-dir", options.work_dir, "catalog, registry and model, kept for later runs")->capture_default_str();
  app.add_option("--titles", options.titles, "catalog titles")->capture_default_str()->check(CLI::Range(1, 10000000));
  app.add_option("--users", options.users, "catalog users")->capture_default_str()->check(CLI::Range(1, 10000000));
  app.add_option("--interactions", options.interactions, "catalog interactions")->capture_default_str()->check(CLI::Range(1, 100000000));
  app.add_option("--seed", options.seed, "catalog seed")->capture_default_str();
  app.add_option("--components", options.components, "model dimension")->capture_default_str()->check(CLI::Range(1, 512));
  app.add_option("--epochs", options.epochs, "training epochs")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--policy", options.policy, "a sessions.policies name (default: the server's default)");
  app.add_option("--serial", options.serial, "serial requests")->capture_default_str()->check(CLI::Range(1, 10000000));
  app.add_option("--requests", options.requests, "concurrent requests in all")->capture_default_str()->check(CLI::Range(1, 100000000));
  app.add_option("--connections", options.connections, "concurrent keep-alive connections, one client thread each (4 x 8 = 32)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  app.add_option("--phase-seconds", options.phase_seconds, "no call of a phase (warm-up, serial, concurrent) starts after this")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--call-timeout", options.call_timeout_seconds, "seconds to wait for one reply")->capture_default_str()->check(CLI::Range(0.1, 60.0));
  app.add_option("--ready-seconds", options.ready_seconds, "how long the first training may take")->capture_default_str();
  bool no_redis = false;
  app.add_flag("--no-redis", no_redis, "skip the Redis run");
  int running_port = 0;
  app.add_option("--port", running_port,
                 "measure the server already running with this HTTP port on 127.0.0.1 instead of starting one "
                 "(--users then bounds the user ids called)")
      ->check(CLI::Range(1, 65535));
  CLI11_PARSE(app, argc, argv);
  options.redis = !no_redis;
  spdlog::set_level(spdlog::level::warn);

  if (running_port > 0) {
    absl::StatusOr<Figures> figures = Measure(options, running_port, "running");
    if (!figures.ok()) {
      std::fprintf(stderr, "%s\n", std::string(figures.status().message()).c_str());
      return 1;
    }
    Print(*figures);
    return figures->failed > 0 || figures->timed_out ? 1 : 0;
  }

  PrepareWorkDir(options);
  fmt::print("POST /next/{{user}}, policy {}, {} titles x {} users x {} interactions (d {}), serial {} then {} requests on {} "
             "connections (one client thread each, one request in flight per connection)\n",
             options.policy.empty() ? "memory_hybrid (the default)" : options.policy, options.titles, options.users,
             options.interactions, options.components, options.serial, options.requests, options.connections);
  std::fflush(stdout);
  std::vector<Figures> all;
  int status = 0;
  auto report = [&](const std::string& memory, const absl::StatusOr<Figures>& figures) {
    if (!figures.ok()) {
      std::fprintf(stderr, "%s: %s\n", memory.c_str(), std::string(figures.status().message()).c_str());
      status = 1;
      return;
    }
    Print(*figures);
    std::fflush(stdout);
    if (figures->failed > 0) {
      std::fprintf(stderr, "%s: %lld call(s) failed\n", memory.c_str(), static_cast<long long>(figures->failed));
      status = 1;
    }
    if (figures->timed_out) {
      std::fprintf(stderr, "%s: --phase-seconds %g reached before every call was made\n", memory.c_str(), options.phase_seconds);
      status = 1;
    }
    all.push_back(*figures);
  };

  vitrina::server::ServerConfig memory_config = Config(options);
  memory_config.cache.backend = vitrina::cache::CacheBackend::kMemory;
  report("memory", Run(options, memory_config, "memory"));
  if (options.redis) {
    absl::StatusOr<std::unique_ptr<vitrina::testing::RedisServer>> redis = vitrina::testing::RedisServer::Start();
    if (!redis.ok()) {
      report("redis", redis.status());
    } else {
      vitrina::server::ServerConfig redis_config = Config(options);
      redis_config.cache.backend = vitrina::cache::CacheBackend::kRedis;  // sessions.store auto: session memory there
      redis_config.cache.url = (*redis)->Url();
      // One Redis connection per HTTP thread: with the default 4, 32 concurrent calls wait for a
      // connection past the 20 ms acquire limit and fail over to in-process memory.
      redis_config.cache.pool_size = redis_config.http.threads;
      report("redis", Run(options, redis_config, "redis"));
    }
  }
  for (const Figures& f : all) {
    const double target_us = f.memory == "memory" ? 1000 : 1500;
    fmt::print("{:<8} serial p99 {:.0f} us: target <= {:.0f} us {}\n", f.memory, f.p99, target_us, f.p99 <= target_us ? "holds" : "missed");
  }
  return status;
}
