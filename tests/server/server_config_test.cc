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
  EXPECT_EQ(config->interactions.max_future_skew_seconds, 300);
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
  EXPECT_EQ(example->interactions.max_future_skew_seconds, defaults->interactions.max_future_skew_seconds);
  EXPECT_TRUE(example->interactions.realtime == defaults->interactions.realtime);
  EXPECT_TRUE(example->sessions == defaults->sessions) << "the example's sessions section and the built-in presets differ";
  EXPECT_EQ(example->sessions.policies.size(), 7u);
  EXPECT_EQ(example->training.limits.max_epochs, defaults->training.limits.max_epochs);
  EXPECT_EQ(example->training.limits.max_no_components, defaults->training.limits.max_no_components);
  EXPECT_EQ(example->training.limits.max_sampled, defaults->training.limits.max_sampled);
  EXPECT_EQ(example->training.limits.max_wall_seconds, defaults->training.limits.max_wall_seconds);
  EXPECT_EQ(example->training.next_title.session_gap_seconds, defaults->training.next_title.session_gap_seconds);
  EXPECT_EQ(example->training.next_title.play_type, defaults->training.next_title.play_type);
  EXPECT_EQ(example->training.next_title.holdout_fraction, defaults->training.next_title.holdout_fraction);
  EXPECT_EQ(example->schedule.next_title, defaults->schedule.next_title);
  EXPECT_EQ(example->replication.primary, defaults->replication.primary);
  EXPECT_EQ(example->replication.event_log_capacity, defaults->replication.event_log_capacity);
  EXPECT_TRUE(example->ann == defaults->ann) << "the example's serving.ann and the built-in defaults differ";
  EXPECT_EQ(example->experiments.log.enabled, defaults->experiments.log.enabled);
  EXPECT_EQ(example->experiments.log.dir, defaults->experiments.log.dir);
  EXPECT_EQ(example->experiments.log.flush_interval_ms, defaults->experiments.log.flush_interval_ms);
  EXPECT_EQ(example->experiments.log.max_file_mb, defaults->experiments.log.max_file_mb);
  EXPECT_EQ(example->experiments.log.max_file_age_seconds, defaults->experiments.log.max_file_age_seconds);
  EXPECT_EQ(example->experiments.log.max_pending_records, defaults->experiments.log.max_pending_records);
  EXPECT_TRUE(example->experiments.definitions.empty());
}

TEST(ServerConfigTest, ExperimentsAreReadWithTheirArmsAndAllowList) {
  auto config = ServerConfig::Parse(R"(
experiments:
  log: {dir: /tmp/x, flush_interval_ms: 20}
  definitions:
    - name: next
      salt: s1
      arms:
        - {name: control, policy: sticky_creator}
        - {name: pinned, weight: 3, model: 7, explore: true}
      allow_list: {42: pinned}
)",
                                    Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->experiments.log.dir, "/tmp/x");
  EXPECT_EQ(config->experiments.log.flush_interval_ms, 20);
  ASSERT_EQ(config->experiments.definitions.size(), 1u);
  const experiments::ExperimentDefinition& next = config->experiments.definitions[0];
  EXPECT_EQ(next.salt, "s1");
  ASSERT_EQ(next.arms.size(), 2u);
  EXPECT_EQ(next.arms[0].model_id, 0) << "model: active by default";
  EXPECT_EQ(next.arms[0].weight, 1);
  EXPECT_EQ(next.arms[0].policy, "sticky_creator");
  EXPECT_EQ(next.arms[1].model_id, 7);
  EXPECT_EQ(next.arms[1].weight, 3);
  EXPECT_TRUE(next.arms[1].explore);
  EXPECT_EQ(next.allow_list.at(42), "pinned");
  ASSERT_TRUE(config->Finalize().ok());
}

TEST(ServerConfigTest, ExperimentMistakesNameTheKey) {
  auto error = [](const std::string& yaml) {
    auto config = ServerConfig::Parse(yaml, Environment({}));
    EXPECT_FALSE(config.ok()) << yaml;
    return config.ok() ? std::string() : std::string(config.status().message());
  };
  EXPECT_NE(error("experiments: {definitions: [{name: a, arms: [{name: x}, {name: y, model: latest}]}]}")
                .find("experiments.definitions[0].arms[1].model: must be \"active\" or a model id"),
            std::string::npos);
  EXPECT_NE(error("experiments: {definitions: [{name: a, arms: [{name: x}]}]}").find("experiments.definitions[0]: arms must hold 2..16"),
            std::string::npos);
  EXPECT_NE(error("experiments: {definitions: [{name: a, arms: [{name: x}, {name: y}], allow_list: {5: z}}]}")
                .find("allow_list: user 5 is pinned to arm 'z'"),
            std::string::npos);
  // Two experiments on one layer overlap: refused before the server starts.
  EXPECT_NE(error("experiments: {definitions: [{name: a, arms: [{name: x}, {name: y, policy: random}]}, "
                  "{name: b, arms: [{name: x}, {name: y, model: 3}]}]}")
                .find("experiments.definitions[1]: experiment 'b' would overlap experiment 'a'"),
            std::string::npos);
  EXPECT_NE(error("experiments: {log: {flush_interval_ms: 0}}").find("experiments.log.flush_interval_ms"),
            std::string::npos);
  EXPECT_NE(error("experiments: {logs: {}}").find("unknown key"), std::string::npos);
}

TEST(ServerConfigTest, AnnKeysAndTheirBounds) {
  auto config = ServerConfig::Parse("serving: {ann: {min_titles: 100, m: 8, ef_construction: 50, ef_search: 20}}\n",
                                    Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->ann.min_titles, 100);
  EXPECT_EQ(config->ann.m, 8);
  EXPECT_EQ(config->ann.ef_construction, 50);
  EXPECT_EQ(config->ann.ef_search, 20);
  for (const char* bad : {"serving: {ann: {min_titles: 1}}", "serving: {ann: {m: 1}}", "serving: {ann: {ef_search: 0}}",
                          "serving: {ann: {ef: 3}}"}) {
    auto refused = ServerConfig::Parse(bad, Environment({}));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(std::string(refused.status().message()).find("serving.ann"), std::string::npos) << refused.status();
  }
}

TEST(ServerConfigTest, AReplicaNamesItsPrimaryAndDoesNotTrain) {
  auto replica = ServerConfig::Parse("jobs: {enabled: false}\nreplication: {primary: \"10.0.0.5:50051\"}\n",
                                     Environment({}));
  ASSERT_TRUE(replica.ok()) << replica.status();
  EXPECT_TRUE(replica->is_replica());
  EXPECT_EQ(replica->replication.primary, "10.0.0.5:50051");
  EXPECT_TRUE(replica->Finalize().ok());
  EXPECT_FALSE(ServerConfig::Parse("", Environment({}))->is_replica());

  // A replica that trained would fork the registry it follows.
  auto training = ServerConfig::Parse("replication: {primary: \"10.0.0.5:50051\"}\n", Environment({}));
  ASSERT_TRUE(training.ok());
  absl::Status finalized = training->Finalize();
  EXPECT_EQ(finalized.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(finalized.message().find("jobs.enabled"), std::string::npos) << finalized;

  auto no_port = ServerConfig::Parse("jobs: {enabled: false}\nreplication: {primary: primary-host}\n", Environment({}));
  ASSERT_TRUE(no_port.ok());
  finalized = no_port->Finalize();
  EXPECT_EQ(finalized.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(finalized.message().find("replication.primary"), std::string::npos) << finalized;

  EXPECT_EQ(ServerConfig::Parse("replication: {event_log_capacity: 0}", Environment({})).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ServerConfig::Parse("replication: {primay: \"a:1\"}", Environment({})).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ServerConfigTest, ReplicationPrimaryFromTheEnvironmentAlsoTurnsTrainingOff) {
  auto config = ServerConfig::Parse("", Environment({{"VITRINA_REPLICATION_PRIMARY", "vitrina:50051"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->replication.primary, "vitrina:50051");
  EXPECT_FALSE(config->jobs_enabled);
  EXPECT_TRUE(config->Finalize().ok());
}

TEST(ServerConfigTest, NextTitleTrainingKeysAndTheirBounds) {
  auto config = ServerConfig::Parse(
      "training: {next_title: {session_gap_minutes: 45, play_type: listen, holdout_fraction: 0.1}}\n"
      "schedule: {next_title: false}\n",
      Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->training.next_title.session_gap_seconds, 45 * 60);
  EXPECT_EQ(config->training.next_title.play_type, "listen");
  EXPECT_EQ(config->training.next_title.holdout_fraction, 0.1);
  EXPECT_FALSE(config->schedule.next_title);
  for (const char* bad : {"training: {next_title: {session_gap_minutes: 0}}", "training: {next_title: {holdout_fraction: 1}}",
                          "training: {next_title: {play_type: ''}}", "training: {next_title: {gap: 3}}"}) {
    auto refused = ServerConfig::Parse(bad, Environment({}));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(std::string(refused.status().message()).find("next_title"), std::string::npos) << refused.status();
  }
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

TEST(ServerConfigTest, SessionsAddPoliciesToThePresetsAndNameBadKeys) {
  auto config = ServerConfig::Parse(
      "sessions: {default_policy: mine, policies: {mine: {rules: [{branch: b, source: random}]}}}\n", Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->sessions.default_policy, "mine");
  EXPECT_TRUE(config->sessions.policies.contains("mine"));
  EXPECT_TRUE(config->sessions.policies.contains("memory_hybrid"));
  auto bad = ServerConfig::Parse("sessions: {policies: {mine: {rules: [{branch: b, source: radio}]}}}\n", Environment({}));
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(std::string(bad.status().message()).find("sessions.policies.mine.rules[0].source"), std::string::npos)
      << bad.status();
}

TEST(ServerConfigTest, ReadsTheFutureSkewOfRecordedInteractions) {
  auto config = ServerConfig::Parse("interactions: {max_future_skew_seconds: 60}", Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->interactions.max_future_skew_seconds, 60);
}

TEST(ServerConfigTest, RealtimeUpdateKeysAndTheirBounds) {
  auto config = ServerConfig::Parse(
      "interactions: {realtime: {enabled: false, max_users: 500, max_titles_per_user: 8, epochs: 3, negatives: 2, "
      "learning_rate: 0.5, regularization: 0.1}}\n",
      Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  const RealtimeConfig& realtime = config->interactions.realtime;
  EXPECT_FALSE(realtime.enabled);
  EXPECT_EQ(realtime.max_users, 500);
  EXPECT_EQ(realtime.max_titles_per_user, 8);
  EXPECT_EQ(realtime.update.epochs, 3);
  EXPECT_EQ(realtime.update.negatives, 2);
  EXPECT_FLOAT_EQ(realtime.update.learning_rate, 0.5f);
  EXPECT_FLOAT_EQ(realtime.update.regularization, 0.1f);
  for (const char* bad : {"interactions: {realtime: {max_users: 0}}", "interactions: {realtime: {learning_rate: -1}}",
                          "interactions: {realtime: {regularization: .nan}}", "interactions: {realtime: {steps: 3}}"}) {
    auto refused = ServerConfig::Parse(bad, Environment({}));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(std::string(refused.status().message()).find("interactions.realtime"), std::string::npos) << refused.status();
  }
}

TEST(ServerConfigTest, TrainingLimitsAreRead) {
  auto config = ServerConfig::Parse(
      "training: {epochs: 5, limits: {max_epochs: 5, max_no_components: 64, max_sampled: 20, max_wall_seconds: 60}}",
      Environment({}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->training.limits.max_epochs, 5);
  EXPECT_EQ(config->training.limits.max_no_components, 64);
  EXPECT_EQ(config->training.limits.max_sampled, 20);
  EXPECT_EQ(config->training.limits.max_wall_seconds, 60);
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

TEST(ServerConfigTest, TheComposeReplicaConfigFollowsThePrimaryAndReadsItsCatalog) {
  auto config = ServerConfig::Load(VITRINA_SOURCE_DIR "/deploy/vitrina-replica.compose.yaml",
                                   Environment({{"VITRINA_ADMIN_TOKEN", "t0ken"},
                                                {"VITRINA_MYSQL_URL", "mysql://vitrina_ro:pw@mysql:3306/vitrina"}}));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->is_replica());
  EXPECT_FALSE(config->jobs_enabled);
  EXPECT_EQ(config->replication.primary, "vitrina:50051");
  // The shared catalog places titles and users added after the training (server/catalog_newcomers.h).
  EXPECT_EQ(config->data_source.kind, data::DataSourceConfig::Kind::kMysql);
  EXPECT_EQ(config->data_source.mysql.url, "mysql://vitrina_ro:pw@mysql:3306/vitrina");
  EXPECT_TRUE(config->Finalize().ok());
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
                        Case{"training: {threads: 257}", "training.threads"},
                        Case{"training: {epochs: 1001}", "default params.epochs must be in 1..1000 (training.limits.max_epochs)"},
                        Case{"training: {epochs: 60, limits: {max_epochs: 50}}", "training.limits.max_epochs"},
                        Case{"training: {limits: {max_epoch: 5}}", "training.limits"},
                        Case{"training: {limits: {max_wall_seconds: 0}}", "training.limits.max_wall_seconds"},
                        Case{"schedule: {nightly: '61 * * * *'}", "schedule.nightly"},
                        Case{"schedule: {time_zone: Mars/Base}", "schedule.nightly"},
                        Case{"cache: {backend: memcached}", "backend"},
                        Case{"interactions: {max_future_skew_seconds: -1}", "max_future_skew_seconds"},
                        Case{"interactions: {max_skew: 1}", "max_skew"},
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

TEST(ServerConfigTest, ADataSourceThatIsNotAMapIsAnErrorNotAnException) {
  // Found by the server_config fuzz target: `data_source: embedded` threw YAML::BadSubscript out of
  // Parse (the server died with "terminate called"), and a list was silently turned into a map.
  for (const char* yaml : {"data_source: embedded\n", "data_source: [embedded]\n",
                           "data_source:\n  embedded: ./catalog.db\n", "data_source:\n  embedded: [a]\n"}) {
    absl::StatusOr<ServerConfig> config;
    ASSERT_NO_THROW(config = ServerConfig::Parse(yaml, Environment({}))) << yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << yaml;
    EXPECT_NE(std::string(config.status().message()).find("expected a map"), std::string::npos)
        << yaml << config.status();
  }
}

}  // namespace
}  // namespace vitrina::server
