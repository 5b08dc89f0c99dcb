// The child of exposure_log_crash_test: logs records without end (request_id = the sequence the log
// gave it, time = when it was appended, ~one every 50 us) and prints "durable <sequence>" on
// stdout after every fsync, until it is killed. Usage: exposure_log_crash_writer DIR FLUSH_MS
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "experiments/file_exposure_log.h"
#include "fmt/format.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DIR FLUSH_MS\n", argv[0]);
    return 2;
  }
  vitrina::experiments::FileExposureLogOptions options;
  options.dir = argv[1];
  options.flush_interval = std::chrono::milliseconds(std::atoi(argv[2]));
  options.max_file_bytes = 64 << 10;  // several rotations during a run
  options.on_durable = [](uint64_t durable) {
    const std::string line = fmt::format("durable {}\n", durable);
    // One write(2) per line: the parent never sees half a line, and nothing sits in a stdio buffer.
    (void)!::write(STDOUT_FILENO, line.data(), line.size());
  };
  auto log = vitrina::experiments::FileExposureLog::Open(options);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", std::string(log.status().message()).c_str());
    return 1;
  }
  for (uint64_t expected = 1;; ++expected) {
    vitrina::v1::ExposureLogRecord record;
    record.set_time_unix_micros(std::chrono::duration_cast<std::chrono::microseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
    auto* exposure = record.mutable_exposure();
    exposure->set_request_id(std::to_string(expected));
    exposure->set_user_id(static_cast<int64_t>(expected % 1000));
    exposure->set_session_id("crash-test");
    exposure->add_titles()->set_title_id(static_cast<int64_t>(expected));
    if ((*log)->Append(std::move(record)) != expected) {
      std::fprintf(stderr, "append %llu was not given sequence %llu\n", static_cast<unsigned long long>(expected),
                   static_cast<unsigned long long>(expected));
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}
