#include "server/server_config.h"

#include <gtest/gtest.h>

#include <map>

namespace vitrina::server {
namespace {

// An environment made of a map, so tests never depend on the real one.
auto Environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](const char* name) -> const char* {
    auto it = variables.find(name);
    return it == variables.end() ? nullptr : it->second.c_str();
  };
}

TEST(ServerConfigTest, NoConfigIsTheEmbeddedDefault) {
  auto config = ServerConfig::Parse("", Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(config->Finalize().ok());
  EXPECT_EQ(config->listen, "127.0.0.1:50051");
  EXPECT_EQ(config->http_listen, "127.0.0.1:8080");
  EXPECT_EQ(config->registry_path, "./data/registry.db");
  EXPECT_EQ(config->models_dir, "./data/models");
  EXPECT_EQ(config->data_source.kind, data::DataSourceConfig::Kind::kEmbedded);
  EXPECT_EQ(config->data_source.embedded_path, "./data/catalog.db");
  EXPECT_EQ(config->cache.backend, cache::CacheBackend::kMemory);
  EXPECT_EQ(config->cache.ttl.count(), 3600);
  EXPECT_EQ(config->schedule.nightly, "0 3 * * *");
  EXPECT_EQ(config->training.defaults.loss(), v1::WARP);
  EXPECT_TRUE(config->admin_token.empty());
}

TEST(ServerConfigTest, TheShippedExampleParsesToTheDefaults) {
  auto example = ServerConfig::Load(VITRINA_SOURCE_DIR "/config/vitrina.example.yaml", Environment({}));
  ASSERT_TRUE(example.ok()) << example.status();
  auto defaults = ServerConfig::Parse("", Environment({}));
  EXPECT_EQ(example->listen, defaults->listen);
  EXPECT_EQ(example->training.defaults.SerializeAsString(), defaults->training.defaults.SerializeAsString());
  EXPECT_EQ(example->schedule.nightly, defaults->schedule.nightly);
  EXPECT_EQ(example->demo.interactions, defaults->demo.interactions);
  EXPECT_EQ(example->http.threads, defaults->http.threads);
  EXPECT_EQ(example->http.max_body_bytes, defaults->http.max_body_bytes);
  EXPECT_EQ(example->http.max_waiting_trainings, defaults->http.max_waiting_trainings);
}

TEST(ServerConfigTest, HttpSectionBoundsTheWaitingTrainingsByTheThreads) {
  auto config = ServerConfig::Parse("http: {threads: 4, max_body_bytes: 65536, max_waiting_trainings: 3}\n",
                                    Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->http.threads, 4);
  EXPECT_EQ(config->http.max_body_bytes, 65536);
  EXPECT_EQ(config->http.max_waiting_trainings, 3);
  EXPECT_FALSE(ServerConfig::Parse("", Environment({}))->http.max_waiting_trainings.has_value());

  for (const char* yaml : {"http: {threads: 4, max_waiting_trainings: 4}", "http: {threads: 1}",
                           "http: {max_body_bytes: 10}", "http: {max_waiting: 1}"}) {
    auto refused = ServerConfig::Parse(yaml, Environment({}));
    ASSERT_FALSE(refused.ok()) << yaml;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << yaml;
    EXPECT_NE(std::string(refused.status().message()).find("http."), std::string::npos) << refused.status();
  }
}

TEST(ServerConfigTest, TheComposeConfigWithItsEnvironmentReadsMysqlAndRedis) {
  auto config = ServerConfig::Load(VITRINA_SOURCE_DIR "/deploy/vitrina.compose.yaml",
                                   Environment({{"VITRINA_ADMIN_TOKEN", "t0ken"},
                                                {"VITRINA_MYSQL_URL", "mysql://vitrina_ro:pw@mysql:3306/vitrina"},
                                                {"VITRINA_REDIS_URL", "redis://redis:6379/0"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->admin_token, "t0ken");
  EXPECT_EQ(config->data_source.kind, data::DataSourceConfig::Kind::kMysql);
  EXPECT_EQ(config->data_source.mysql.url, "mysql://vitrina_ro:pw@mysql:3306/vitrina");
  EXPECT_EQ(config->cache.backend, cache::CacheBackend::kRedis);
  EXPECT_EQ(config->data_dir, "/var/lib/vitrina");
}

TEST(ServerConfigTest, EnvironmentOverridesTheFileAndImpliesTheBackend) {
  auto config = ServerConfig::Parse("listen: 127.0.0.1:1\ncache: {backend: none}\n",
                                    Environment({{"VITRINA_LISTEN", "127.0.0.1:2"},
                                                 {"VITRINA_REDIS_URL", "redis://127.0.0.1:6379/1"},
                                                 {"VITRINA_NIGHTLY_CRON", "30 4 * * *"},
                                                 {"VITRINA_JOBS_ENABLED", "false"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:2");
  EXPECT_EQ(config->cache.backend, cache::CacheBackend::kRedis);
  EXPECT_EQ(config->cache.url, "redis://127.0.0.1:6379/1");
  EXPECT_EQ(config->schedule.nightly, "30 4 * * *");
  EXPECT_FALSE(config->jobs_enabled);
}

TEST(ServerConfigTest, MistakesAreRefusedNamingTheKey) {
  struct Case {
    const char* yaml;
    const char* names;
  };
  for (const Case& c : {Case{"listn: 127.0.0.1:1", "listn"},
                        Case{"training: {loss: hinge}", "training.loss"},
                        Case{"training: {epochs: 0}", "epochs"},
                        Case{"training: {test_fraction: 1.5}", "test_fraction"},
                        Case{"schedule: {nightly: '61 * * * *'}", "schedule.nightly"},
                        Case{"schedule: {time_zone: Mars/Base}", "schedule.nightly"},
                        Case{"cache: {backend: memcached}", "backend"},
                        Case{"[1, 2]", "map"},
                        Case{"listen: [unclosed", "YAML"}}) {
    auto config = ServerConfig::Parse(c.yaml, Environment({}));
    ASSERT_FALSE(config.ok()) << c.yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.yaml;
    EXPECT_NE(std::string(config.status().message()).find(c.names), std::string::npos)
        << c.yaml << " -> " << config.status().message();
  }
  EXPECT_EQ(ServerConfig::Load("/nonexistent/vitrina.yaml", Environment({})).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace vitrina::server
