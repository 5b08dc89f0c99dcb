// What the exposure log costs a request: the time to fill an answer's record (10 titles, one
// experiment) and the time of ExposureLog::Append (the only part on the request path), for the
// file-backed log with its writer thread flushing and fsyncing every 100 ms, and for the null log.
// Callers append at a given rate from 1 or 2 threads; prints p50 / p99 / max per call, what the
// writer did, and the command that reproduces the figures.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "experiments/exposure_log_reader.h"
#include "experiments/file_exposure_log.h"
#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::experiments {
namespace {

using Clock = std::chrono::steady_clock;

v1::ExposureLogRecord AnswerRecord(int64_t call) {
  v1::ExposureLogRecord record;
  auto* exposure = record.mutable_exposure();
  exposure->set_request_id(fmt::format("req-{}", call));
  exposure->set_route("next");
  exposure->set_user_id(call % 100'000);
  exposure->set_session_id(fmt::format("session-{}", call / 8));
  auto* assignment = exposure->add_assignments();
  assignment->set_experiment("next_policy");
  assignment->set_arm("memory_hybrid");
  assignment->set_arm_weight(1);
  exposure->set_policy("memory_hybrid");
  exposure->set_branch("like:after_previous");
  exposure->set_model_id(42);
  for (int i = 0; i < 10; ++i) {
    auto* title = exposure->add_titles();
    title->set_title_id(1000 + call + i);
    title->set_position(i);
    if (i == 0) title->set_pick_probability(0.25);
  }
  exposure->set_latency_micros(900);
  return record;
}

struct Timings {
  std::vector<double> build_us;
  std::vector<double> append_us;
};

// Each of `threads` callers makes `calls` calls at `rate_per_thread` calls/s.
Timings Measure(ExposureLog& log, int threads, int calls, int rate_per_thread) {
  std::vector<Timings> per_thread(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto& timings = per_thread[t];
      timings.build_us.reserve(calls);
      timings.append_us.reserve(calls);
      const auto period = std::chrono::nanoseconds(1'000'000'000 / rate_per_thread);
      auto next = Clock::now();
      for (int i = 0; i < calls; ++i) {
        const auto start = Clock::now();
        v1::ExposureLogRecord record = AnswerRecord(static_cast<int64_t>(t) * calls + i);
        const auto built = Clock::now();
        log.Append(std::move(record));
        const auto appended = Clock::now();
        timings.build_us.push_back(std::chrono::duration<double, std::micro>(built - start).count());
        timings.append_us.push_back(std::chrono::duration<double, std::micro>(appended - built).count());
        next += period;
        std::this_thread::sleep_until(next);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  Timings all;
  for (auto& timings : per_thread) {
    all.build_us.insert(all.build_us.end(), timings.build_us.begin(), timings.build_us.end());
    all.append_us.insert(all.append_us.end(), timings.append_us.begin(), timings.append_us.end());
  }
  return all;
}

void PrintRow(const std::string& name, int threads, std::vector<double> micros) {
  std::sort(micros.begin(), micros.end());
  const auto at = [&](double q) { return micros[std::min(micros.size() - 1, static_cast<size_t>(q * micros.size()))]; };
  fmt::print("{:<26} {:>7} {:>9.2f} {:>9.2f} {:>9.1f}\n", name, threads, at(0.50), at(0.99), micros.back());
}

int Run(int argc, char** argv) {
  CLI::App app("Request-path cost of the exposure log: record fill and Append, file-backed and null");
  int calls = 50'000;
  int rate = 5'000;
  std::string dir = (std::filesystem::temp_directory_path() / "vitrina-bench-exposure-log").string();
  app.add_option("--calls", calls, "Calls per thread")->check(CLI::Range(100, 10'000'000));
  app.add_option("--rate", rate, "Calls per second per thread")->check(CLI::Range(1, 1'000'000));
  app.add_option("--dir", dir, "Log folder (emptied first)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  fmt::print("exposure log request-path cost: {} calls per thread at {} calls/s per thread, {} CPUs, log in {}\n\n",
             calls, rate, std::thread::hardware_concurrency(), dir);
  fmt::print("{:<26} {:>7} {:>9} {:>9} {:>9}\n", "case", "threads", "p50 us", "p99 us", "max us");
  for (int threads : {1, 2}) {
    std::filesystem::remove_all(dir);
    FileExposureLogOptions options;
    options.dir = dir;
    auto log = FileExposureLog::Open(options);
    if (!log.ok()) {
      fmt::print(stderr, "{}\n", std::string(log.status().message()));
      return 1;
    }
    const Timings file = Measure(**log, threads, calls, rate);
    if (const auto flushed = (*log)->Flush(); !flushed.ok()) {
      fmt::print(stderr, "{}\n", std::string(flushed.message()));
      return 1;
    }
    const auto stats = (*log)->stats();
    NullExposureLog null_log;
    const Timings null = Measure(null_log, threads, calls, rate);
    PrintRow("fill the record", threads, file.build_us);
    PrintRow("Append (file, 100 ms)", threads, file.append_us);
    PrintRow("Append (null)", threads, null.append_us);
    LogReadStats read;
    int64_t records = 0;
    (void)ReadLogFolder(dir, [&](const auto&) { ++records; }, read);
    uintmax_t bytes = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) bytes += entry.file_size();
    fmt::print("  writer: {} appended, {} dropped, {} read back, {:.0f} bytes/record, {} files\n", stats.appended,
               stats.dropped, records, records ? static_cast<double>(bytes) / records : 0.0, read.files);
    if (records != static_cast<int64_t>(stats.appended) || stats.dropped != 0) {
      fmt::print(stderr, "records were lost\n");
      return 1;
    }
  }
  std::filesystem::remove_all(dir);
  fmt::print("\nreproduce: {} --calls {} --rate {}\n", argv[0], calls, rate);
  return 0;
}

}  // namespace
}  // namespace vitrina::experiments

int main(int argc, char** argv) { return vitrina::experiments::Run(argc, argv); }
