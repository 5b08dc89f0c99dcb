#include "cache/cache_config.h"

#include <string>

#include "cache/cache_factory.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::cache {
namespace {

absl::StatusOr<CacheConfig> Parse(const std::string& yaml) {
  return CacheConfig::FromYaml(YAML::Load(yaml));
}

TEST(CacheConfigTest, AnAbsentSectionGivesTheDefaults) {
  for (const YAML::Node& section : {YAML::Node(), YAML::Load("cache:")["cache"]}) {
    auto config = CacheConfig::FromYaml(section);
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->backend, CacheBackend::kMemory);
    EXPECT_EQ(config->ttl, std::chrono::seconds(3600));
    EXPECT_EQ(config->connect_timeout, std::chrono::milliseconds(50));
    EXPECT_EQ(config->command_timeout, std::chrono::milliseconds(20));
  }
}

TEST(CacheConfigTest, ReadsEveryKey) {
  auto config = Parse(R"(
backend: redis
url: redis://127.0.0.1:6380/1
key_prefix: vitrina-staging
ttl_seconds: 600
pool_size: 8
connect_timeout_ms: 100
command_timeout_ms: 30
retry_after_ms: 2000
max_entries: 5000
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->backend, CacheBackend::kRedis);
  EXPECT_EQ(config->url, "redis://127.0.0.1:6380/1");
  EXPECT_EQ(config->key_prefix, "vitrina-staging");
  EXPECT_EQ(config->ttl, std::chrono::seconds(600));
  EXPECT_EQ(config->pool_size, 8u);
  EXPECT_EQ(config->connect_timeout, std::chrono::milliseconds(100));
  EXPECT_EQ(config->command_timeout, std::chrono::milliseconds(30));
  EXPECT_EQ(config->retry_after, std::chrono::milliseconds(2000));
  EXPECT_EQ(config->max_entries, 5000u);
}

TEST(CacheConfigTest, RejectsBadValuesNamingTheKey) {
  const struct {
    const char* yaml;
    const char* key;
  } cases[] = {
      {"backend: memcached", "backend"},
      {"backend: [redis]", "backend"},
      {"ttl_seconds: 0", "ttl_seconds"},
      {"ttl_seconds: -5", "ttl_seconds"},
      {"ttl_seconds: 1.5", "ttl_seconds"},
      {"ttl_seconds: an hour", "ttl_seconds"},
      {"pool_size: 0", "pool_size"},
      {"pool_size: 100000", "pool_size"},
      {"connect_timeout_ms: {a: 1}", "connect_timeout_ms"},
      {"command_timeout_ms: 0", "command_timeout_ms"},
      {"retry_after_ms: -1", "retry_after_ms"},
      {"max_entries: 0", "max_entries"},
      {"url: [a, b]", "url"},
      {"backend: redis", "url"},
      {"ttl: 60", "ttl"},
  };
  for (const auto& c : cases) {
    auto config = Parse(c.yaml);
    ASSERT_FALSE(config.ok()) << c.yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_NE(std::string(config.status().message()).find(fmt::format("'{}'", c.key)),
              std::string::npos)
        << c.yaml << " -> " << config.status();
  }
}

TEST(CacheConfigTest, RejectsASectionThatIsNotAMap) {
  EXPECT_EQ(Parse("[redis]").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse("redis").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MakeResultCacheTest, BuildsTheConfiguredBackend) {
  const struct {
    CacheBackend backend;
    const char* name;
  } cases[] = {{CacheBackend::kRedis, "redis"},
               {CacheBackend::kMemory, "memory"},
               {CacheBackend::kNone, "none"}};
  for (const auto& c : cases) {
    // No server needed: the Redis cache connects on first use.
    auto cache = MakeResultCache({.backend = c.backend, .url = "redis://127.0.0.1:1/0"});
    ASSERT_TRUE(cache.ok()) << c.name << ": " << cache.status();
    EXPECT_EQ((*cache)->BackendName(), c.name);
  }
}

TEST(MakeResultCacheTest, RejectsAMalformedUrlOrKeyPrefix) {
  EXPECT_EQ(
      MakeResultCache({.backend = CacheBackend::kRedis, .url = "127.0.0.1:6379"}).status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MakeResultCache({.backend = CacheBackend::kRedis,
                             .url = "redis://127.0.0.1:6379",
                             .key_prefix = "has space"})
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NullCacheTest, MissesEveryGet) {
  auto cache = MakeResultCache({.backend = CacheBackend::kNone});
  ASSERT_TRUE(cache.ok()) << cache.status();
  const CacheKey key{.kind = kUserAnswers, .model_id = 1, .subject_id = 42, .variant = "k10"};

  (*cache)->Put(key, "answer");

  EXPECT_EQ((*cache)->Get(key), std::nullopt);
  EXPECT_EQ((*cache)->Stats().misses, 1u);
}

}  // namespace
}  // namespace vitrina::cache
