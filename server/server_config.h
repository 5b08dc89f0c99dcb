#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "cache/cache_config.h"
#include "data/data_source_config.h"
#include "data/preparation_config.h"
#include "data/title_transitions.h"
#include "server/experiments_config.h"
#include "server/realtime_config.h"
#include "serving/ann_config.h"
#include "sessions/policy_spec.h"
#include "server/training_params.h"
#include "vitrina/v1/common.pb.h"

namespace vitrina::server {

// The demo catalog generated at first start when the embedded catalog file does not exist.
struct DemoCatalogConfig {
  bool generate_if_missing = true;
  int users = 2000;
  int titles = 1000;
  int interactions = 100'000;
  uint64_t seed = 42;
};

struct TrainingConfig {
  // Defaults for every field of a training request; each field is set.
  v1::TrainingParams defaults;
  int eval_k = 10;
  double test_fraction = 0.2;   // held out to evaluate every new model
  bool use_title_features = true;  // genres and creators as side features
  // The catalog's user features (users.features) as side features of the users with positives, so
  // that a user outside the model is placed by their features (MODEL answers, not POPULAR).
  bool use_user_features = true;
  bool train_at_start = true;   // train a first model when the registry has none
  // Nightly full trainings start from the parameters of the newest model a search (Admin.StartSearch)
  // produced, instead of `defaults`.
  bool nightly_uses_search_winner = false;
  TrainingLimits limits;        // what a training request may ask; the defaults must fit too
  // The next-title model's data (`training.next_title`): session gap, the play type, the share of
  // sessions whose last transition is held out; it trains with the same defaults and eval_k.
  data::TitleTransitionConfig next_title;
};

struct ScheduleConfig {
  std::string nightly = "0 3 * * *";  // full retraining; empty = off
  std::string incremental;            // fit_partial between nightly runs; empty = off
  std::string time_zone = "UTC";
  bool next_title = true;  // the nightly run also retrains the next-title model, after the personal one
};

// The HTTP/JSON listener (http_listen): its thread pool, body limit, and how many requests may
// wait for their training at once (each holds a thread; see server/http/training_waiter.h).
struct HttpConfig {
  int threads = 8;
  int max_body_bytes = 1 << 20;  // every route, whatever the Content-Type; larger bodies get 413
  // At most threads - 1; unset: a quarter of the threads, at least 1.
  std::optional<int> max_waiting_trainings;
};

struct InteractionsConfig {
  // How far after the server's clock a recorded interaction's `at` may lie (client clocks
  // drift); a later one is refused, since it would move the next model's watermark.
  int max_future_skew_seconds = 300;
  RealtimeConfig realtime;
};

// Read replicas (docs/DEPLOYMENT.md): a replica names its primary; a primary keeps the last
// event_log_capacity changes for replicas that reconnect (older ones take a full snapshot).
struct ReplicationConfig {
  std::string primary;  // the primary's gRPC HOST:PORT; empty: this instance is not a replica
  int event_log_capacity = 100'000;
};

// The one YAML file of the server (see config/vitrina.example.yaml), with VITRINA_* environment
// overrides applied on top, then command-line overrides.
struct ServerConfig {
  std::string listen = "127.0.0.1:50051";
  std::string http_listen = "127.0.0.1:8080";  // empty = no HTTP listener
  std::string data_dir = "./data";
  std::string registry_path;  // default <data_dir>/registry.db
  std::string models_dir;     // default <data_dir>/models
  std::string admin_token;    // empty = admin calls need no token
  std::string log_level = "info";
  bool jobs_enabled = true;   // a read replica serves only: no job worker, no schedules
  int max_k = 1000;
  int default_k = 10;
  serving::AnnConfig ann;  // serving.ann: approximate retrieval for large catalogs
  // serving.new_titles_refresh_seconds: how often the primary reads the catalog's titles to place
  // those added after the served model's training by their features (and at once after each
  // activation); 0: never.
  int new_titles_refresh_seconds = 300;

  data::DataSourceConfig data_source;
  DemoCatalogConfig demo;
  data::PreparationConfig preparation = data::PreparationConfig::Defaults();
  cache::CacheConfig cache;
  HttpConfig http;
  TrainingConfig training;
  ScheduleConfig schedule;
  InteractionsConfig interactions;
  sessions::SessionsConfig sessions = sessions::DefaultSessionsConfig();
  ExperimentsConfig experiments;
  ReplicationConfig replication;

  bool is_replica() const { return !replication.primary.empty(); }

  // Parses YAML text; `environment` lookups (std::getenv in production) override keys:
  // VITRINA_LISTEN, VITRINA_HTTP_LISTEN, VITRINA_DATA_DIR, VITRINA_ADMIN_TOKEN, VITRINA_LOG_LEVEL,
  // VITRINA_REDIS_URL (cache backend redis at that URL), VITRINA_CACHE_TTL_SECONDS,
  // VITRINA_MYSQL_URL (data source mysql at that URL), VITRINA_NIGHTLY_CRON,
  // VITRINA_INCREMENTAL_CRON, VITRINA_TIME_ZONE, VITRINA_JOBS_ENABLED, VITRINA_REPLICATION_PRIMARY
  // (replication.primary, and jobs.enabled false).
  // Relative paths stay relative to the working directory. InvalidArgument names the key.
  static absl::StatusOr<ServerConfig> Parse(const std::string& yaml_text,
                                            const std::function<const char*(const char*)>& environment);
  // The same for a file; NotFound when it does not exist.
  static absl::StatusOr<ServerConfig> Load(const std::string& path,
                                           const std::function<const char*(const char*)>& environment);

  // Fills the paths derived from data_dir and checks what spans several keys (data_dir, listen,
  // the k bounds); schedules are checked where they are read.
  absl::Status Finalize();
};

// The training defaults when the config says nothing (LightFM's knobs; WARP, as it ranks best).
v1::TrainingParams DefaultTrainingParams();

}  // namespace vitrina::server
