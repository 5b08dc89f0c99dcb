#include "server/server_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <limits>

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "common/yaml_section.h"
#include "fmt/format.h"
#include "server/cron_schedule.h"
#include "server/training_params.h"
#include "trainer/model.h"

namespace vitrina::server {
namespace {

using common::YamlSection;

// An environment variable that overrides config keys: `value` goes to `path`, and each of
// `implied` is set as well (VITRINA_REDIS_URL also switches the cache to Redis).
struct EnvironmentOverride {
  const char* variable;
  std::vector<const char*> path;
  std::vector<std::pair<std::vector<const char*>, const char*>> implied;
};

const std::vector<EnvironmentOverride>& EnvironmentOverrides() {
  static const std::vector<EnvironmentOverride> overrides = {
      {"VITRINA_LISTEN", {"listen"}, {}},
      {"VITRINA_HTTP_LISTEN", {"http_listen"}, {}},
      {"VITRINA_DATA_DIR", {"data_dir"}, {}},
      {"VITRINA_ADMIN_TOKEN", {"admin_token"}, {}},
      {"VITRINA_LOG_LEVEL", {"log_level"}, {}},
      {"VITRINA_JOBS_ENABLED", {"jobs", "enabled"}, {}},
      {"VITRINA_REDIS_URL", {"cache", "url"}, {{{"cache", "backend"}, "redis"}}},
      {"VITRINA_CACHE_TTL_SECONDS", {"cache", "ttl_seconds"}, {}},
      {"VITRINA_MYSQL_URL", {"data_source", "mysql", "url"}, {{{"data_source", "kind"}, "mysql"}}},
      {"VITRINA_NIGHTLY_CRON", {"schedule", "nightly"}, {}},
      {"VITRINA_INCREMENTAL_CRON", {"schedule", "incremental"}, {}},
      {"VITRINA_TIME_ZONE", {"schedule", "time_zone"}, {}},
      {"VITRINA_REPLICATION_PRIMARY", {"replication", "primary"}, {{{"jobs", "enabled"}, "false"}}},
  };
  return overrides;
}

void SetPath(YAML::Node root, const std::vector<const char*>& path, const std::string& value) {
  // yaml-cpp nodes are handles: assigning through a copy edits the shared tree, while a
  // reassigned handle would rebind, so walk with fresh handles.
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    YAML::Node child = chain.back()[path[i]];
    if (!child.IsMap()) {
      chain.back()[path[i]] = YAML::Node(YAML::NodeType::Map);
      child = chain.back()[path[i]];
    }
    chain.push_back(child);
  }
  chain.back()[path.back()] = value;
}

// The ceilings are what the trainer and one machine can take at all; the defaults are what a
// real deployment asks (LightFM users train tens of epochs at tens to a few hundred components).
absl::Status ReadTrainingLimits(const YamlSection& section, TrainingLimits& limits) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"max_epochs", "max_no_components", "max_sampled", "max_wall_seconds"}));
  RETURN_IF_ERROR(section.ReadInt("max_epochs", 1, 100'000, &limits.max_epochs));
  RETURN_IF_ERROR(section.ReadInt("max_no_components", 1, 4096, &limits.max_no_components));
  RETURN_IF_ERROR(section.ReadInt("max_sampled", 1, 100'000, &limits.max_sampled));
  RETURN_IF_ERROR(section.ReadInt("max_wall_seconds", 1, 7 * 24 * 3600, &limits.max_wall_seconds));
  return absl::OkStatus();
}

absl::Status ReadNextTitleTraining(const YamlSection& section, data::TitleTransitionConfig& next_title) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"session_gap_minutes", "play_type", "holdout_fraction"}));
  int gap_minutes = static_cast<int>(next_title.session_gap_seconds / 60);
  RETURN_IF_ERROR(section.ReadInt("session_gap_minutes", 1, 7 * 24 * 60, &gap_minutes));
  next_title.session_gap_seconds = int64_t{gap_minutes} * 60;
  RETURN_IF_ERROR(section.ReadString("play_type", &next_title.play_type));
  if (next_title.play_type.empty()) return section.Invalid("play_type", "must not be empty");
  RETURN_IF_ERROR(section.ReadDouble("holdout_fraction", &next_title.holdout_fraction));
  if (!(next_title.holdout_fraction > 0 && next_title.holdout_fraction < 1)) {
    return section.Invalid("holdout_fraction", "must be in (0, 1)");
  }
  return absl::OkStatus();
}

// Whether data_source.embedded.path is set. Only maps are subscripted: yaml-cpp throws on a
// scalar's operator[] and turns a sequence into a map; DataSourceConfig::FromYaml reports those.
bool HasEmbeddedPath(YAML::Node root) {
  YAML::Node source = root["data_source"];
  if (!source.IsMap()) return false;
  YAML::Node embedded = source["embedded"];
  return embedded.IsMap() && embedded["path"];
}

absl::Status ReadTraining(const YamlSection& section, TrainingConfig& training) {
  RETURN_IF_ERROR(section.RejectUnknownKeys(
      {"loss", "no_components", "epochs", "learning_rate", "learning_schedule", "item_alpha", "user_alpha",
       "max_sampled", "threads", "seed", "rho", "epsilon", "kos_k", "kos_n", "eval_k", "test_fraction",
       "use_title_features", "use_user_features", "train_at_start", "nightly_uses_search_winner", "limits", "next_title"}));
  ASSIGN_OR_RETURN(std::optional<YamlSection> limits, section.Child("limits"));
  if (limits) RETURN_IF_ERROR(ReadTrainingLimits(*limits, training.limits));
  ASSIGN_OR_RETURN(std::optional<YamlSection> next_title, section.Child("next_title"));
  if (next_title) RETURN_IF_ERROR(ReadNextTitleTraining(*next_title, training.next_title));
  v1::TrainingParams& p = training.defaults;
  std::string text;
  if (section.Has("loss")) {
    RETURN_IF_ERROR(section.ReadString("loss", &text));
    auto loss = LossFromName(text);
    if (!loss.ok()) return section.Invalid("loss", std::string(loss.status().message()));
    p.set_loss(*loss);
  }
  if (section.Has("learning_schedule")) {
    RETURN_IF_ERROR(section.ReadString("learning_schedule", &text));
    auto schedule = LearningScheduleFromName(text);
    if (!schedule.ok()) return section.Invalid("learning_schedule", std::string(schedule.status().message()));
    p.set_learning_schedule(*schedule);
  }
  constexpr int kMaxInt = std::numeric_limits<int>::max();
  auto read_int = [&](std::string_view key, int min, int max, auto setter) -> absl::Status {
    if (!section.Has(key)) return absl::OkStatus();
    int value = 0;
    RETURN_IF_ERROR(section.ReadInt(key, min, max, &value));
    setter(value);
    return absl::OkStatus();
  };
  auto read_double = [&](std::string_view key, auto setter) -> absl::Status {
    if (!section.Has(key)) return absl::OkStatus();
    double value = 0;
    RETURN_IF_ERROR(section.ReadDouble(key, &value));
    setter(value);
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(read_int("no_components", 1, 4096, [&](int v) { p.set_no_components(v); }));
  RETURN_IF_ERROR(read_int("epochs", 1, 100000, [&](int v) { p.set_epochs(v); }));
  RETURN_IF_ERROR(read_int("max_sampled", 1, 100000, [&](int v) { p.set_max_sampled(v); }));
  RETURN_IF_ERROR(read_int("threads", 1, trainer::kMaxFitThreads, [&](int v) { p.set_threads(v); }));
  RETURN_IF_ERROR(read_int("seed", 0, kMaxInt, [&](int v) { p.set_seed(static_cast<uint64_t>(v)); }));
  RETURN_IF_ERROR(read_int("kos_k", 1, 100000, [&](int v) { p.set_kos_k(v); }));
  RETURN_IF_ERROR(read_int("kos_n", 1, 100000, [&](int v) { p.set_kos_n(v); }));
  RETURN_IF_ERROR(read_int("eval_k", 1, 1000, [&](int v) { training.eval_k = v; }));
  RETURN_IF_ERROR(read_double("learning_rate", [&](double v) { p.set_learning_rate(static_cast<float>(v)); }));
  RETURN_IF_ERROR(read_double("item_alpha", [&](double v) { p.set_item_alpha(static_cast<float>(v)); }));
  RETURN_IF_ERROR(read_double("user_alpha", [&](double v) { p.set_user_alpha(static_cast<float>(v)); }));
  RETURN_IF_ERROR(read_double("rho", [&](double v) { p.set_rho(static_cast<float>(v)); }));
  RETURN_IF_ERROR(read_double("epsilon", [&](double v) { p.set_epsilon(static_cast<float>(v)); }));
  RETURN_IF_ERROR(read_double("test_fraction", [&](double v) { training.test_fraction = v; }));
  if (!(training.test_fraction > 0 && training.test_fraction < 1)) {
    return section.Invalid("test_fraction", "must be in (0, 1)");
  }
  RETURN_IF_ERROR(section.ReadBool("use_title_features", &training.use_title_features));
  RETURN_IF_ERROR(section.ReadBool("use_user_features", &training.use_user_features));
  RETURN_IF_ERROR(section.ReadBool("train_at_start", &training.train_at_start));
  RETURN_IF_ERROR(section.ReadBool("nightly_uses_search_winner", &training.nightly_uses_search_winner));
  if (absl::Status within = ValidateTrainingParams(p, training.limits); !within.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("{}: default {}", section.path(), std::string(within.message())));
  }
  return absl::OkStatus();
}

// A double in [min, max], for keys whose range ReadDouble does not know.
absl::Status ReadDoubleIn(const YamlSection& section, std::string_view key, double min, double max, float* out) {
  double value = *out;
  RETURN_IF_ERROR(section.ReadDouble(key, &value));
  if (!(value >= min && value <= max)) {
    return section.Invalid(key, fmt::format("must be in [{}, {}], got {}", min, max, value));
  }
  *out = static_cast<float>(value);
  return absl::OkStatus();
}

absl::Status ReadRealtime(const YamlSection& section, RealtimeConfig& realtime) {
  RETURN_IF_ERROR(section.RejectUnknownKeys(
      {"enabled", "max_users", "max_titles_per_user", "epochs", "negatives", "learning_rate", "regularization"}));
  RETURN_IF_ERROR(section.ReadBool("enabled", &realtime.enabled));
  RETURN_IF_ERROR(section.ReadInt("max_users", 1, 100'000'000, &realtime.max_users));
  RETURN_IF_ERROR(section.ReadInt("max_titles_per_user", 1, 10'000, &realtime.max_titles_per_user));
  RETURN_IF_ERROR(section.ReadInt("epochs", 1, 1000, &realtime.update.epochs));
  RETURN_IF_ERROR(section.ReadInt("negatives", 1, 1000, &realtime.update.negatives));
  RETURN_IF_ERROR(ReadDoubleIn(section, "learning_rate", 0, 100, &realtime.update.learning_rate));
  return ReadDoubleIn(section, "regularization", 0, 100, &realtime.update.regularization);
}

absl::Status ReadDemo(const YamlSection& section, DemoCatalogConfig& demo) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"generate_if_missing", "users", "titles", "interactions", "seed"}));
  RETURN_IF_ERROR(section.ReadBool("generate_if_missing", &demo.generate_if_missing));
  RETURN_IF_ERROR(section.ReadInt("users", 1, 10'000'000, &demo.users));
  RETURN_IF_ERROR(section.ReadInt("titles", 1, 10'000'000, &demo.titles));
  RETURN_IF_ERROR(section.ReadInt("interactions", 1, 100'000'000, &demo.interactions));
  int seed = static_cast<int>(demo.seed);
  RETURN_IF_ERROR(section.ReadInt("seed", 0, std::numeric_limits<int>::max(), &seed));
  demo.seed = static_cast<uint64_t>(seed);
  return absl::OkStatus();
}

absl::Status ReadHttp(const YamlSection& section, HttpConfig& http) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"threads", "max_body_bytes", "max_waiting_trainings"}));
  RETURN_IF_ERROR(section.ReadInt("threads", 2, 1024, &http.threads));
  RETURN_IF_ERROR(section.ReadInt("max_body_bytes", 1024, 256 << 20, &http.max_body_bytes));
  if (section.Has("max_waiting_trainings")) {
    int max_waiting = 0;
    RETURN_IF_ERROR(section.ReadInt("max_waiting_trainings", 0, http.threads - 1, &max_waiting));
    http.max_waiting_trainings = max_waiting;
  }
  return absl::OkStatus();
}

absl::Status ReadSchedule(const YamlSection& section, ScheduleConfig& schedule) {
  RETURN_IF_ERROR(section.RejectUnknownKeys({"nightly", "incremental", "time_zone", "next_title"}));
  RETURN_IF_ERROR(section.ReadBool("next_title", &schedule.next_title));
  RETURN_IF_ERROR(section.ReadString("nightly", &schedule.nightly));
  RETURN_IF_ERROR(section.ReadString("incremental", &schedule.incremental));
  RETURN_IF_ERROR(section.ReadString("time_zone", &schedule.time_zone));
  for (auto [key, expression] : {std::pair{"nightly", &schedule.nightly}, {"incremental", &schedule.incremental}}) {
    if (expression->empty()) continue;
    auto cron = CronSchedule::Parse(*expression, schedule.time_zone);
    if (!cron.ok()) return section.Invalid(key, std::string(cron.status().message()));
  }
  return absl::OkStatus();
}

}  // namespace

v1::TrainingParams DefaultTrainingParams() {
  v1::TrainingParams p;
  p.set_loss(v1::WARP);
  p.set_no_components(32);
  p.set_epochs(20);
  p.set_learning_rate(0.05f);
  p.set_learning_schedule(v1::ADAGRAD);
  p.set_item_alpha(0.0f);
  p.set_user_alpha(0.0f);
  p.set_max_sampled(10);
  p.set_threads(2);
  p.set_seed(42);
  p.set_rho(0.95f);
  p.set_epsilon(1e-6f);
  p.set_kos_k(5);
  p.set_kos_n(10);
  p.set_kind(v1::FULL);
  return p;
}

absl::StatusOr<ServerConfig> ServerConfig::Parse(const std::string& yaml_text,
                                                 const std::function<const char*(const char*)>& environment) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& error) {
    return absl::InvalidArgumentError(fmt::format("config is not valid YAML: {}", error.what()));
  }
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) return absl::InvalidArgumentError("config must be a YAML map");
  for (const EnvironmentOverride& o : EnvironmentOverrides()) {
    const char* value = environment(o.variable);
    if (value == nullptr) continue;
    SetPath(root, o.path, value);
    for (const auto& [path, implied] : o.implied) SetPath(root, path, implied);
  }

  ServerConfig config;
  ASSIGN_OR_RETURN(YamlSection top, YamlSection::Open(root, "config"));
  RETURN_IF_ERROR(top.RejectUnknownKeys({"listen", "http_listen", "data_dir", "registry_path", "models_dir",
                                         "admin_token", "log_level", "jobs", "serving", "data_source", "demo",
                                         "preparation", "cache", "http", "training", "schedule",
                                         "interactions", "sessions", "experiments", "replication"}));
  RETURN_IF_ERROR(top.ReadString("listen", &config.listen));
  RETURN_IF_ERROR(top.ReadString("http_listen", &config.http_listen));
  RETURN_IF_ERROR(top.ReadString("data_dir", &config.data_dir));
  RETURN_IF_ERROR(top.ReadString("registry_path", &config.registry_path));
  RETURN_IF_ERROR(top.ReadString("models_dir", &config.models_dir));
  RETURN_IF_ERROR(top.ReadString("admin_token", &config.admin_token));
  RETURN_IF_ERROR(top.ReadString("log_level", &config.log_level));

  ASSIGN_OR_RETURN(std::optional<YamlSection> jobs, top.Child("jobs"));
  if (jobs) {
    RETURN_IF_ERROR(jobs->RejectUnknownKeys({"enabled"}));
    RETURN_IF_ERROR(jobs->ReadBool("enabled", &config.jobs_enabled));
  }
  ASSIGN_OR_RETURN(std::optional<YamlSection> serving, top.Child("serving"));
  if (serving) {
    RETURN_IF_ERROR(serving->RejectUnknownKeys({"max_k", "default_k", "ann", "new_titles_refresh_seconds"}));
    RETURN_IF_ERROR(serving->ReadInt("max_k", 1, 100'000, &config.max_k));
    RETURN_IF_ERROR(serving->ReadInt("new_titles_refresh_seconds", 0, 7 * 86'400, &config.new_titles_refresh_seconds));
    RETURN_IF_ERROR(serving->ReadInt("default_k", 1, 100'000, &config.default_k));
    ASSIGN_OR_RETURN(std::optional<YamlSection> ann, serving->Child("ann"));
    if (ann) {
      RETURN_IF_ERROR(ann->RejectUnknownKeys({"min_titles", "m", "ef_construction", "ef_search"}));
      RETURN_IF_ERROR(ann->ReadInt("min_titles", 2, std::numeric_limits<int>::max(), &config.ann.min_titles));
      RETURN_IF_ERROR(ann->ReadInt("m", 2, 100, &config.ann.m));
      RETURN_IF_ERROR(ann->ReadInt("ef_construction", 1, 10'000, &config.ann.ef_construction));
      RETURN_IF_ERROR(ann->ReadInt("ef_search", 1, 10'000, &config.ann.ef_search));
    }
  }
  bool embedded_path_given = HasEmbeddedPath(root);
  ASSIGN_OR_RETURN(config.data_source, data::DataSourceConfig::FromYaml(root["data_source"]));
  if (!embedded_path_given) config.data_source.embedded_path.clear();  // derived from data_dir
  ASSIGN_OR_RETURN(std::optional<YamlSection> demo, top.Child("demo"));
  if (demo) RETURN_IF_ERROR(ReadDemo(*demo, config.demo));
  if (root["preparation"]) {
    ASSIGN_OR_RETURN(config.preparation, data::PreparationConfig::FromYaml(root["preparation"]));
  }
  ASSIGN_OR_RETURN(config.cache, cache::CacheConfig::FromYaml(root["cache"]));
  ASSIGN_OR_RETURN(std::optional<YamlSection> http, top.Child("http"));
  if (http) RETURN_IF_ERROR(ReadHttp(*http, config.http));
  config.training.defaults = DefaultTrainingParams();
  ASSIGN_OR_RETURN(std::optional<YamlSection> training, top.Child("training"));
  if (training) RETURN_IF_ERROR(ReadTraining(*training, config.training));
  ASSIGN_OR_RETURN(std::optional<YamlSection> schedule, top.Child("schedule"));
  if (schedule) RETURN_IF_ERROR(ReadSchedule(*schedule, config.schedule));
  ASSIGN_OR_RETURN(std::optional<YamlSection> interactions, top.Child("interactions"));
  if (interactions) {
    RETURN_IF_ERROR(interactions->RejectUnknownKeys({"max_future_skew_seconds", "realtime"}));
    RETURN_IF_ERROR(interactions->ReadInt("max_future_skew_seconds", 0, 31'536'000,
                                          &config.interactions.max_future_skew_seconds));
    ASSIGN_OR_RETURN(std::optional<YamlSection> realtime, interactions->Child("realtime"));
    if (realtime) RETURN_IF_ERROR(ReadRealtime(*realtime, config.interactions.realtime));
  }
  ASSIGN_OR_RETURN(config.sessions, sessions::SessionsConfig::FromYaml(root["sessions"], config.sessions));
  ASSIGN_OR_RETURN(config.experiments, ExperimentsConfig::FromYaml(root["experiments"]));
  ASSIGN_OR_RETURN(std::optional<YamlSection> replication, top.Child("replication"));
  if (replication) {
    RETURN_IF_ERROR(replication->RejectUnknownKeys({"primary", "event_log_capacity"}));
    RETURN_IF_ERROR(replication->ReadString("primary", &config.replication.primary));
    RETURN_IF_ERROR(replication->ReadInt("event_log_capacity", 1, 10'000'000, &config.replication.event_log_capacity));
  }
  return config;
}

absl::StatusOr<ServerConfig> ServerConfig::Load(const std::string& path,
                                                const std::function<const char*(const char*)>& environment) {
  ASSIGN_OR_RETURN(std::string text, common::ReadFile(path));
  auto config = Parse(text, environment);
  if (!config.ok()) {
    return absl::Status(config.status().code(), fmt::format("{}: {}", path, std::string(config.status().message())));
  }
  return config;
}

absl::Status ServerConfig::Finalize() {
  if (data_dir.empty()) return absl::InvalidArgumentError("data_dir must not be empty");
  std::filesystem::path dir(data_dir);
  if (registry_path.empty()) registry_path = (dir / "registry.db").string();
  if (models_dir.empty()) models_dir = (dir / "models").string();
  if (data_source.embedded_path.empty()) data_source.embedded_path = (dir / "catalog.db").string();
  if (experiments.log.dir.empty()) experiments.log.dir = (dir / "exposure-log").string();
  if (listen.empty()) return absl::InvalidArgumentError("listen must not be empty");
  if (default_k > max_k) {
    return absl::InvalidArgumentError(fmt::format("serving.default_k {} exceeds serving.max_k {}", default_k, max_k));
  }
  if (!replication.primary.empty()) {
    if (jobs_enabled) {
      return absl::InvalidArgumentError(
          "replication.primary makes this instance a read replica: set jobs.enabled to false (only the primary trains)");
    }
    const size_t colon = replication.primary.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == replication.primary.size()) {
      return absl::InvalidArgumentError(fmt::format("replication.primary must be HOST:PORT (the primary's gRPC address), got '{}'",
                                                    replication.primary));
    }
  }
  // Session feedback is recorded as this type: a type no rule counts would be refused later.
  if (!preparation.interaction_rules.empty() && !preparation.interaction_rules.contains(sessions.feedback_type)) {
    return absl::InvalidArgumentError(
        fmt::format("sessions.feedback_type '{}' is not a preparation.interaction_types entry", sessions.feedback_type));
  }
  return absl::OkStatus();
}

}  // namespace vitrina::server
