// kill -9 of the real vitrina-server binary while it answers: every answer acknowledged to its
// client longer ago than the exposure log's batch window (+ one write and the scheduling slack
// of a busy machine, docs/EXPERIMENTS.md) is in the log, with its experiment arm; the files hold
// no corrupt frame (a torn last frame is skipped).
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "experiments/exposure_log_reader.h"
#include "fmt/format.h"
#include "tests/testing/local_process.h"
#include "tests/testing/temp_dir.h"

namespace vitrina::server::testing {
namespace {

using ::vitrina::testing::TempDir;

constexpr int kFlushMs = 50;
constexpr int64_t kSlackMicros = 250'000;  // one write + the scheduling of a loaded 2-vCPU machine

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(ExposureLogKillTest, AKill9LosesAtMostTheAnswersOfTheLastBatchWindow) {
  TempDir dir;
  absl::StatusOr<int> http_port = vitrina::testing::FreeLoopbackPort();
  absl::StatusOr<int> grpc_port = vitrina::testing::FreeLoopbackPort();
  ASSERT_TRUE(http_port.ok() && grpc_port.ok());
  const std::string config_path = dir.File("vitrina.yaml");
  std::ofstream(config_path) << fmt::format(R"(listen: 127.0.0.1:{}
http_listen: 127.0.0.1:{}
data_dir: {}
demo: {{users: 300, titles: 120, interactions: 12000}}
training: {{epochs: 4, no_components: 16, threads: 1}}
schedule: {{nightly: ""}}
experiments:
  log: {{flush_interval_ms: {}}}
  definitions:
    - name: kill
      arms: [{{name: control}}, {{name: explore, explore: true}}]
)",
                                            *grpc_port, *http_port, dir.File("data"), kFlushMs);
  const std::string log = dir.File("server.log");
  absl::StatusOr<pid_t> spawned = vitrina::testing::Spawn(
      {std::string(VITRINA_BINARY_DIR) + "/vitrina-server", "--config", config_path}, "", log);
  ASSERT_TRUE(spawned.ok()) << spawned.status();
  pid_t pid = *spawned;
  httplib::Client probe("127.0.0.1", *http_port);
  ASSERT_TRUE(vitrina::testing::AwaitReady(
                  pid, "vitrina-server", log,
                  [&] {
                    httplib::Result health = probe.Get("/health");
                    return health && health->status == 200;
                  },
                  std::chrono::seconds(120))
                  .ok());

  std::mutex mutex;
  std::vector<std::pair<int64_t, int64_t>> acknowledged;  // user, when the answer arrived
  std::atomic<bool> stop = false;
  std::thread client([&] {
    httplib::Client http("127.0.0.1", *http_port);
    for (int64_t user = 0; !stop; ++user) {
      httplib::Result answer = http.Get(fmt::format("/titles/recommendations?user_id={}&k=3", user));
      if (!answer || answer->status != 200) continue;
      std::lock_guard lock(mutex);
      acknowledged.emplace_back(user, NowMicros());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  const int64_t killed_at = NowMicros();
  ::waitpid(pid, nullptr, 0);
  stop = true;
  client.join();

  std::map<int64_t, std::string> logged;  // user -> arm
  experiments::LogReadStats stats;
  ASSERT_TRUE(experiments::ReadLogFolder(
                  dir.File("data/exposure-log"),
                  [&](const v1::ExposureLogRecord& record) {
                    if (!record.has_exposure()) return;
                    const v1::Exposure& exposure = record.exposure();
                    logged[exposure.user_id()] =
                        exposure.assignments_size() == 1 ? exposure.assignments(0).arm() : "(none)";
                  },
                  stats)
                  .ok());
  EXPECT_EQ(stats.corrupt_bytes, 0);
  int64_t old_enough = 0, lost = 0, newest_lost_age = 0;
  const int64_t bound = kFlushMs * 1000 + kSlackMicros;
  for (const auto& [user, at] : acknowledged) {
    const bool in_log = logged.contains(user);
    if (killed_at - at > bound) {
      ++old_enough;
      EXPECT_TRUE(in_log) << "user " << user << "'s answer came " << (killed_at - at) / 1000
                          << " ms before the kill and is not in the log";
    }
    if (!in_log) {
      ++lost;
      newest_lost_age = std::max(newest_lost_age, killed_at - at);
    }
  }
  ASSERT_GT(old_enough, 50) << "too few answers before the bound to prove anything";
  for (const auto& [user, arm] : logged) ASSERT_TRUE(arm == "control" || arm == "explore") << user << ": " << arm;
  std::printf("answers acknowledged %zu, in the log %zu, lost %lld (the oldest of them %.1f ms before the kill)\n",
              acknowledged.size(), logged.size(), static_cast<long long>(lost), newest_lost_age / 1000.0);
}

}  // namespace
}  // namespace vitrina::server::testing
