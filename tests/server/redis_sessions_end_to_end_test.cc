// End-to-end: simulated listeners play sessions over the classic /next and /last routes against
// the real server, whose session memory is in a real redis-server, and Redis is killed in the
// middle of it. No call may fail; once Redis is back, the memory of a session played during the
// outage is written back to it.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "fmt/format.h"
#include "simulation/catalog.h"
#include "simulation/simulation_runner.h"
#include "tests/server/test_server.h"
#include "tests/testing/redis_server.h"

namespace vitrina::server::testing {
namespace {

using namespace std::chrono_literals;

// The simulated listeners are the catalog's first kListeners users; kWatchedUser plays its own
// session through gRPC while Redis is down.
constexpr size_t kListeners = 200;
constexpr int64_t kWatchedUser = 299;

// The integers of a Redis list; empty when Redis cannot be reached or the key does not exist.
std::vector<int64_t> RedisList(int port, const std::string& key) {
  std::vector<int64_t> values;
  redisContext* redis = redisConnect("127.0.0.1", port);
  if (redis == nullptr || redis->err) {
    if (redis != nullptr) redisFree(redis);
    return values;
  }
  auto* reply = static_cast<redisReply*>(redisCommand(redis, "LRANGE %s 0 -1", key.c_str()));
  if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < reply->elements; ++i) values.push_back(std::stoll(std::string(reply->element[i]->str, reply->element[i]->len)));
  }
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(redis);
  return values;
}

// How many keys match `pattern` (KEYS is fine on a test's few hundred keys).
size_t RedisKeyCount(int port, const std::string& pattern) {
  size_t count = 0;
  redisContext* redis = redisConnect("127.0.0.1", port);
  if (redis == nullptr || redis->err) {
    if (redis != nullptr) redisFree(redis);
    return 0;
  }
  auto* reply = static_cast<redisReply*>(redisCommand(redis, "KEYS %s", pattern.c_str()));
  if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY) count = reply->elements;
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(redis);
  return count;
}

// The watched user's next title after `previous` (none: the session's first call).
absl::StatusOr<int64_t> NextTitle(TestServer& server, std::optional<int64_t> previous) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  v1::GetNextTitleRequest request;
  request.set_user_id(kWatchedUser);
  if (previous) {
    request.set_previous_title_id(*previous);
    request.set_consumed(0.6);
  }
  v1::GetNextTitleResponse response;
  const grpc::Status status = server.recommender().GetNextTitle(&context, request, &response);
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  if (response.items_size() != 1) return absl::InternalError(fmt::format("{} titles answered", response.items_size()));
  return response.items(0).title_id();
}

TEST(RedisSessionsEndToEndTest, RedisKilledDuringSimulatedSessionsFailsNoCallAndTheMemoryReturnsToRedis) {
  auto redis = vitrina::testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  const int redis_port = (*redis)->port();
  TempDir dir;
  ServerConfig config = TestServer::SmallConfig(dir.path());
  config.http_listen = "127.0.0.1:0";
  config.cache.backend = cache::CacheBackend::kRedis;  // sessions.store auto: session memory in Redis
  config.cache.url = (*redis)->Url();
  config.cache.retry_after = 200ms;  // how soon a call tries Redis again after a failure
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);

  absl::StatusOr<simulation::Catalog> catalog = simulation::Catalog::Load((dir.path() / "catalog.db").string());
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  simulation::RunOptions options;
  options.target = {"127.0.0.1", server->app().http_port()};
  options.policies = {"memory_hybrid", "fatigue_contextual"};
  options.sessions_per_policy = 1500;
  options.users = kListeners;
  options.concurrency = 2;
  options.max_seconds = 300;
  ASSERT_TRUE(options.Validate(*catalog).ok());

  std::atomic<bool> simulation_done{false};
  simulation::RunReport report;
  std::thread listeners([&] {
    report = simulation::RunSimulation(*catalog, options);
    simulation_done = true;
  });

  // Redis goes down once the listeners' sessions are in it.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (RedisKeyCount(redis_port, "vitrina:sess:*") == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_GT(RedisKeyCount(redis_port, "vitrina:sess:*"), 0u) << "no session memory reached Redis";
  ASSERT_TRUE((*redis)->Kill().ok());
  const bool killed_during_sessions = !simulation_done;

  // While Redis is down, the watched user's session is answered from in-process memory.
  std::vector<int64_t> played;
  std::optional<int64_t> previous;
  for (int call = 0; call < 3; ++call) {
    absl::StatusOr<int64_t> title = NextTitle(*server, previous);
    ASSERT_TRUE(title.ok()) << "call " << call << " with Redis down: " << title.status();
    played.push_back(*title);
    previous = *title;
  }
  std::this_thread::sleep_for(500ms);  // more simulated calls with Redis down
  ASSERT_TRUE((*redis)->Restart().ok());  // empty: the test's Redis keeps nothing on disk

  // The session's next calls find Redis again: its whole memory moves there.
  const std::string shown_key = fmt::format("vitrina:sess:u{}:~:shown", kWatchedUser);
  for (int call = 0; call < 50 && RedisList(redis_port, shown_key).empty(); ++call) {
    std::this_thread::sleep_for(50ms);
    absl::StatusOr<int64_t> title = NextTitle(*server, previous);
    ASSERT_TRUE(title.ok()) << "call after the restart: " << title.status();
    played.push_back(*title);
    previous = *title;
  }
  EXPECT_EQ(RedisList(redis_port, shown_key), played)
      << "Redis holds the session's titles, those shown during the outage first";

  listeners.join();
  EXPECT_TRUE(killed_during_sessions) << "the simulated sessions ended before Redis was killed";
  EXPECT_EQ(report.FailedCalls(), 0) << report.FirstError();
  EXPECT_FALSE(report.time_limit_reached);
  for (const simulation::PolicyResult& policy : report.policies) {
    EXPECT_EQ(policy.sessions_completed, options.sessions_per_policy) << policy.policy;
  }
}

}  // namespace
}  // namespace vitrina::server::testing
