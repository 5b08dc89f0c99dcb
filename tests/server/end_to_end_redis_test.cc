// End-to-end with a real redis-server as the cache: TTL on every key, keys change with the
// model, and killing Redis keeps answers flowing (uncached) until it comes back.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <map>
#include <thread>

#include "tests/server/test_server.h"
#include "tests/testing/redis_server.h"

namespace vitrina::server::testing {
namespace {

// Every key of the test's Redis with its TTL, read through hiredis.
std::map<std::string, long long> KeysWithTtl(int port) {
  std::map<std::string, long long> keys;
  redisContext* redis = redisConnect("127.0.0.1", port);
  if (redis == nullptr || redis->err) return keys;
  auto* reply = static_cast<redisReply*>(redisCommand(redis, "KEYS vitrina:rec:*"));
  if (reply != nullptr && reply->type == REDIS_REPLY_ARRAY) {
    for (size_t i = 0; i < reply->elements; ++i) {
      std::string key(reply->element[i]->str, reply->element[i]->len);
      auto* ttl = static_cast<redisReply*>(redisCommand(redis, "TTL %s", key.c_str()));
      keys[key] = ttl != nullptr ? ttl->integer : -3;
      if (ttl != nullptr) freeReplyObject(ttl);
    }
  }
  if (reply != nullptr) freeReplyObject(reply);
  redisFree(redis);
  return keys;
}

v1::RecommendationsResponse Recommend(TestServer& server, int64_t user, grpc::Status* status) {
  grpc::ClientContext context;
  v1::GetUserRecommendationsRequest request;
  request.set_user_id(user);
  request.set_k(5);
  v1::RecommendationsResponse response;
  *status = server.recommender().GetUserRecommendations(&context, request, &response);
  return response;
}

TEST(EndToEndRedisTest, CachesWithTtlPerModelAndSurvivesRedisGoingDown) {
  auto redis = vitrina::testing::RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  TempDir dir;
  ServerConfig config = TestServer::SmallConfig(dir.path());
  config.cache.backend = cache::CacheBackend::kRedis;
  config.cache.url = (*redis)->Url();
  auto server = TestServer::Start(config);
  ASSERT_NE(server, nullptr);

  grpc::Status status;
  v1::RecommendationsResponse first = Recommend(*server, 12, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(first.from_cache());
  EXPECT_TRUE(Recommend(*server, 12, &status).from_cache());
  auto keys = KeysWithTtl((*redis)->port());
  ASSERT_EQ(keys.size(), 1u);
  const std::string model_tag = ":m" + std::to_string(first.model_id()) + ":";
  EXPECT_NE(keys.begin()->first.find(model_tag), std::string::npos) << keys.begin()->first;
  EXPECT_GT(keys.begin()->second, 3500) << "TTL about an hour";
  EXPECT_LE(keys.begin()->second, 3600);

  // A new model: answers come from it, under new keys.
  {
    grpc::ClientContext context;
    v1::TrainModelRequest request;
    request.set_activate(v1::ALWAYS);
    request.set_wait(true);
    request.mutable_params()->set_epochs(2);
    v1::TrainModelResponse trained;
    ASSERT_TRUE(server->recommender().TrainModel(&context, request, &trained).ok());
    v1::RecommendationsResponse after = Recommend(*server, 12, &status);
    EXPECT_EQ(after.model_id(), trained.model_id());
    EXPECT_FALSE(after.from_cache()) << "the old model's entry is not served";
    auto new_keys = KeysWithTtl((*redis)->port());
    EXPECT_EQ(new_keys.size(), 2u);
    EXPECT_TRUE(new_keys.contains("vitrina:rec:m" + std::to_string(trained.model_id()) + ":u12:k5:s1"))
        << new_keys.rbegin()->first;
  }

  // Redis dies: every call is still answered, from the model.
  ASSERT_TRUE((*redis)->Kill().ok());
  for (int user = 1; user <= 50; ++user) {
    v1::RecommendationsResponse r = Recommend(*server, user, &status);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(r.items_size(), 5);
    EXPECT_FALSE(r.from_cache());
  }
  // Redis comes back: the cache reconnects by itself.
  ASSERT_TRUE((*redis)->Restart().ok());
  bool cached_again = false;
  for (int attempt = 0; attempt < 100 && !cached_again; ++attempt) {
    Recommend(*server, 33, &status);
    cached_again = Recommend(*server, 33, &status).from_cache();
    if (!cached_again) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(cached_again);
}

}  // namespace
}  // namespace vitrina::server::testing
