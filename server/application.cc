#include "server/application.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include <chrono>
#include <filesystem>

#include "blacklist/blacklist_manager.h"
#include "blacklist/sqlite_blacklist_store.h"
#include "cache/cache_factory.h"
#include "common/parse_number.h"
#include "common/status_macros.h"
#include "data/demo_catalog.h"
#include "fmt/format.h"
#include "grpc/health/v1/health.pb.h"
#include "experiments/file_exposure_log.h"
#include "registry/experiment_store.h"
#include "registry/hot_interaction_store.h"
#include "registry/job_store.h"
#include "registry/model_registry.h"
#include "registry/registry_database.h"
#include "server/admin_service.h"
#include "server/demo_catalog_spec.h"
#include "server/experiment_manager.h"
#include "server/exposure_recorder.h"
#include "server/grpc_services.h"
#include "server/health_monitor.h"
#include "server/http/http_gateway.h"
#include "server/job_manager.h"
#include "server/metric_families.h"
#include "server/model_manager.h"
#include "server/orphan_models.h"
#include "server/process_metrics.h"
#include "server/recommendation_engine.h"
#include "server/recommender_service.h"
#include "server/replication_role.h"
#include "server/request_metrics.h"
#include "server/retraining_scheduler.h"
#include "server/session_feedback.h"
#include "server/session_service.h"
#include "server/training_runner.h"
#include "cache/redis_endpoint.h"
#include "sessions/failover_session_store.h"
#include "sessions/in_process_session_store.h"
#include "sessions/policy_set.h"
#include "spdlog/spdlog.h"

namespace vitrina::server {

// Declared in dependency order: destruction runs from the bottom up, so every part outlives
// the parts that use it.
struct Application::Parts {
  ServerConfig config;
  std::unique_ptr<registry::RegistryDatabase> database;
  std::unique_ptr<registry::ModelRegistry> registry;
  std::unique_ptr<registry::JobStore> job_store;
  std::unique_ptr<registry::SearchTrialStore> search_trials;
  std::unique_ptr<registry::HotInteractionStore> hot_interactions;
  std::unique_ptr<blacklist::BlacklistManager> blacklist;
  std::unique_ptr<cache::ResultCache> cache;
  ModelHolder holder;
  NextTitleHolder next_titles;  // the learned next-title model, when one is active
  RecentConsumption recent;
  std::unique_ptr<RealtimeUpdates> realtime;
  std::unique_ptr<ModelManager> models;
  NewcomersHolder newcomers;
  std::unique_ptr<NewcomersRefresher> newcomers_refresher;  // primary only, when configured
  std::unique_ptr<RecommendationEngine> engine;
  std::unique_ptr<sessions::PolicySet> policies;
  std::unique_ptr<cache::RedisConnectionPool> session_redis;
  std::unique_ptr<sessions::SessionStore> session_store;
  std::unique_ptr<SessionFeedback> session_feedback;
  std::unique_ptr<SessionService> sessions;
  std::unique_ptr<registry::ExperimentStore> experiment_store;
  std::unique_ptr<ExperimentManager> experiments;
  // The exposure log: the file log, or the null one when experiments.log.enabled is false.
  std::unique_ptr<experiments::FileExposureLog> exposure_file_log;
  experiments::NullExposureLog no_exposure_log;
  std::unique_ptr<ExposureRecorder> exposures;
  std::unique_ptr<TrainingRunner> runner;
  std::unique_ptr<JobManager> jobs;
  std::unique_ptr<RetrainingScheduler> scheduler;
  RequestMetrics request_metrics;
  std::unique_ptr<RecommenderService> recommender;
  std::unique_ptr<AdminService> admin;
  std::unique_ptr<AdminAuth> auth;
  std::unique_ptr<ReplicationRole> replication;  // the edges call its admin() and recommender()
  std::unique_ptr<GrpcRecommenderService> grpc_recommender;
  std::unique_ptr<GrpcAdminService> grpc_admin;
  std::unique_ptr<grpc::Server> grpc_server;
  std::unique_ptr<HealthMonitor> health_monitor;
  std::unique_ptr<http::HttpGateway> http;
  int grpc_port = 0;
  std::mutex shutdown_mutex;
  std::condition_variable shut_down_cv;
  bool shut_down = false;
  std::mutex health_mutex;
  std::mutex rescue_mutex;
  std::optional<std::string> registry_rescue;  // what saving a copy of a lost registry file gave

  ProcessMetrics process;

  std::vector<prometheus::MetricFamily> CollectMetrics() const;
  HealthReport EvaluateHealth();
  // Evaluates and tells the gRPC health service, one caller at a time (a publication and the
  // monitor must not overwrite a newer state with an older one).
  void RefreshHealth();
  // Once per run, when the registry file is found lost: a copy of the still open database saved
  // beside it, so that restoring it loses nothing. Returns what the operator needs to know.
  std::string RescueRegistry();
  // After start-up left nothing serving: queues the first training when this instance trains
  // (unless one is queued already) and says in the holder's note what ends the outage.
  absl::Status QueueFirstTraining();
};

namespace {

absl::Status EnsureEmbeddedCatalog(const ServerConfig& config) {
  if (config.data_source.kind != data::DataSourceConfig::Kind::kEmbedded) return absl::OkStatus();
  const std::string& path = config.data_source.embedded_path;
  if (std::filesystem::exists(path) || !config.demo.generate_if_missing) return absl::OkStatus();
  const data::DemoCatalogSpec spec = DemoSpecOf(config.demo);
  spdlog::info("no catalog at {}: generating the demo catalog ({} users, {} titles, {} interactions)", path,
               spec.users, spec.titles, spec.interactions);
  return data::GenerateDemoCatalog(path, spec);  // creates the folder too
}

// "127.0.0.1:8080" -> {"127.0.0.1", 8080}; "[::1]:8080" -> {"::1", 8080}.
absl::StatusOr<std::pair<std::string, int>> SplitHostPort(const std::string& address, std::string_view key) {
  size_t colon = address.rfind(':');
  const int port = colon == std::string::npos
                       ? -1
                       : common::ParseNumber<int>(std::string_view(address).substr(colon + 1)).value_or(-1);
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(fmt::format("{} must be HOST:PORT, got '{}'", key, address));
  }
  std::string host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::pair{host, port};
}

absl::StatusOr<std::optional<CronSchedule>> OptionalCron(const std::string& expression, const std::string& zone) {
  if (expression.empty()) return std::nullopt;
  ASSIGN_OR_RETURN(CronSchedule cron, CronSchedule::Parse(expression, zone));
  return cron;
}

// A full training already queued, runnable now and allowed to activate (typically the first
// training of a run that stopped before it ran): it will serve the first model, and queueing
// another would train twice.
absl::StatusOr<std::optional<int64_t>> PendingFirstTraining(const registry::JobStore& jobs, registry::UnixSeconds now) {
  ASSIGN_OR_RETURN(std::vector<registry::JobRecord> queued, jobs.List(1000, registry::JobStatus::kQueued));
  for (const registry::JobRecord& job : queued) {
    if (job.spec.kind == registry::JobKind::kFull && job.spec.activate != registry::ActivatePolicy::kNever &&
        job.spec.scheduled_at <= now) {
      return job.id;
    }
  }
  return std::nullopt;
}

// Redis (with in-process memory while it is away) when sessions.store says so, or is auto and
// the cache is Redis; in-process memory otherwise.
absl::StatusOr<std::unique_ptr<sessions::SessionStore>> MakeSessionStore(
    const ServerConfig& config, std::unique_ptr<cache::RedisConnectionPool>& pool) {
  const sessions::SessionStoreKind kind = config.sessions.store;
  const bool redis = kind == sessions::SessionStoreKind::kRedis ||
                     (kind == sessions::SessionStoreKind::kAuto && config.cache.backend == cache::CacheBackend::kRedis);
  if (!redis) return std::make_unique<sessions::InProcessSessionStore>(config.sessions.ttls);
  if (config.cache.url.empty()) {
    return absl::InvalidArgumentError("sessions.store redis needs cache.url (redis://host:port/db)");
  }
  ASSIGN_OR_RETURN(cache::RedisEndpoint endpoint, cache::ParseRedisUrl(config.cache.url));
  pool = std::make_unique<cache::RedisConnectionPool>(
      std::move(endpoint),
      cache::RedisTimeouts{.connect = config.cache.connect_timeout, .command = config.cache.command_timeout},
      config.cache.pool_size);
  spdlog::info("session memory in Redis (cache.url), in-process while it is away");
  return std::make_unique<sessions::FailoverSessionStore>(
      std::make_unique<sessions::RedisSessionStore>(*pool, config.cache.key_prefix, config.sessions.ttls),
      config.sessions.ttls, config.cache.retry_after);
}

}  // namespace

// How often the gRPC health status is re-evaluated (a stat(2) of the registry file).
constexpr std::chrono::milliseconds kHealthInterval(1000);

// Everything but the request metrics, which the HTTP edge collects itself.
std::vector<prometheus::MetricFamily> Application::Parts::CollectMetrics() const {
  std::vector<prometheus::MetricFamily> families;
  const cache::CacheStats stats = cache->Stats();
  const std::string backend(cache->BackendName());
  auto cache_sample = [&](const char* result, uint64_t count) {
    return Sample{{{"backend", backend}, {"result", result}}, static_cast<double>(count)};
  };
  families.push_back(CounterFamily("vitrina_cache_requests_total", "Cache lookups by result.",
                                   {cache_sample("hit", stats.hits), cache_sample("miss", stats.misses),
                                    cache_sample("error", stats.errors)}));
  families.push_back(CounterFamily("vitrina_cache_reconnects_total",
                                   "Cache connections re-established after a failure.",
                                   {{{{"backend", backend}}, static_cast<double>(stats.reconnects)}}));
  std::shared_ptr<const ServedModel> served = holder.Current();
  families.push_back(GaugeFamily("vitrina_active_model_id", "The model serving now (0: none).",
                                 {{{}, served ? static_cast<double>(served->model_id) : 0.0}}));
  families.push_back(GaugeFamily("vitrina_active_model_age_seconds", "Time since the serving model was activated.",
                                 {{{}, served ? absl::ToDoubleSeconds(absl::Now() - served->activated_at) : 0.0}}));
  families.push_back(GaugeFamily(
      "vitrina_model_fallback",
      "1 while the serving model stands in for the registry's active model, which failed to load.",
      {{{}, served != nullptr && !holder.Note().empty() ? 1.0 : 0.0}}));
  families.push_back(GaugeFamily(
      "vitrina_active_model_ann",
      "1 while the serving model answers from its ANN index (0: the exact pass ranks every title).",
      {{{}, served != nullptr && served->ann != nullptr ? 1.0 : 0.0}}));
  replication->AppendMetrics(families);
  families.push_back(GaugeFamily(
      "vitrina_registry_file_intact",
      "0 once the registry file was deleted or replaced while open (writes refused).",
      {{{}, database->CheckFileIdentity().ok() ? 1.0 : 0.0}}));
  if (jobs) {
    for (prometheus::MetricFamily& family : jobs->metrics().Collect()) families.push_back(std::move(family));
  }
  for (prometheus::MetricFamily& family : process.Collect()) families.push_back(std::move(family));
  return families;
}

HealthReport Application::Parts::EvaluateHealth() {
  HealthReport health;
  health.model_serving = holder.Current() != nullptr;
  std::vector<std::string> details;
  if (!health.model_serving) {
    details.push_back(holder.NothingServesReason());
  } else if (std::string note = holder.Note(); !note.empty()) {
    details.push_back(std::move(note));  // a fallback model serves in place of the registry's active one
  }
  if (std::string replica = replication->HealthDetail(); !replica.empty()) details.push_back(std::move(replica));
  if (absl::Status file = database->CheckFileIdentity(); !file.ok()) {
    health.registry_intact = false;
    details.push_back(fmt::format("{}; {}", std::string(file.message()), RescueRegistry()));
  }
  health.detail = fmt::format("{}", fmt::join(details, "; "));
  return health;
}

std::string Application::Parts::RescueRegistry() {
  std::lock_guard lock(rescue_mutex);
  if (registry_rescue) return *registry_rescue;
  const std::string& path = database->path();
  const std::string copy = fmt::format("{}.rescued-{}", path, absl::ToUnixSeconds(absl::Now()));
  if (absl::Status saved = database->SaveCopy(copy); saved.ok()) {
    registry_rescue = fmt::format(
        "its contents were saved to {}: stop the server, move that file to {} and start again (a restart "
        "without it begins an empty registry: blacklist and model records lost)",
        copy, path);
  } else {
    registry_rescue = fmt::format("saving its contents failed too ({}): restore {} from a backup and restart",
                                  std::string(saved.message()), path);
  }
  spdlog::error("registry file {} was deleted or replaced while open: {}", path, *registry_rescue);
  return *registry_rescue;
}

absl::Status Application::Parts::QueueFirstTraining() {
  const std::string note = holder.Note();  // set when the active model failed to load
  if (jobs == nullptr || !config.training.train_at_start) {
    std::string outage = fmt::format(
        "{}; {}", note.empty() ? "no model is serving: the registry has no active model" : note,
        jobs == nullptr
            ? "this instance does not train (jobs.enabled is false): ActivateModel serves a registered model"
            : "training.train_at_start is false: TrainModel trains one, ActivateModel serves a registered one");
    spdlog::warn("{}", outage);
    holder.SetNoteWhileEmpty(std::move(outage));
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<int64_t> job_id, PendingFirstTraining(*job_store, registry::UnixNow()));
  if (job_id) {
    spdlog::info("no model yet: job {}, queued before, trains the first one", *job_id);
  } else {
    registry::JobSpec spec;
    spec.trigger = registry::JobTrigger::kApi;
    spec.activate = registry::ActivatePolicy::kAlways;
    spec.scheduled_at = registry::UnixNow();
    ASSIGN_OR_RETURN(registry::JobRecord job, jobs->Submit(spec));
    job_id = job.id;
    spdlog::info("no model yet: first training queued as job {}", job.id);
  }
  if (!note.empty()) holder.SetNoteWhileEmpty(fmt::format("{}; a training is queued (job {})", note, *job_id));
  return absl::OkStatus();
}

void Application::Parts::RefreshHealth() {
  std::lock_guard lock(health_mutex);
  if (grpc_server == nullptr) return;
  const HealthReport health = EvaluateHealth();
  grpc::HealthCheckServiceInterface* service = grpc_server->GetHealthCheckService();
  // Recommendations keep flowing from the model in memory when only the registry is lost; the
  // server as a whole and the Admin service (whose writes are refused) report the failure.
  service->SetServingStatus("", health.serving());
  service->SetServingStatus("vitrina.v1.Recommender", health.model_serving);
  service->SetServingStatus("vitrina.v1.Admin", health.serving());
}

Application::Application(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Application::~Application() { Shutdown(absl::Seconds(1)); }

absl::StatusOr<std::unique_ptr<Application>> Application::Create(ServerConfig config) {
  RETURN_IF_ERROR(config.Finalize());
  auto p = std::make_unique<Parts>();
  p->config = std::move(config);
  const ServerConfig& c = p->config;
  std::error_code error;
  std::filesystem::create_directories(c.data_dir, error);
  std::filesystem::create_directories(c.models_dir, error);
  if (error) return absl::PermissionDeniedError(fmt::format("cannot create {}: {}", c.models_dir, error.message()));
  if (!c.is_replica()) RETURN_IF_ERROR(EnsureEmbeddedCatalog(c));  // a replica never reads the catalog

  ASSIGN_OR_RETURN(p->database, registry::RegistryDatabase::Open(c.registry_path));
  p->registry = std::make_unique<registry::ModelRegistry>(*p->database);
  p->job_store = std::make_unique<registry::JobStore>(*p->database);
  p->search_trials = std::make_unique<registry::SearchTrialStore>(*p->database);
  p->hot_interactions = std::make_unique<registry::HotInteractionStore>(*p->database);
  ASSIGN_OR_RETURN(int interrupted, p->job_store->FailInterruptedJobs("the server stopped while the job was running"));
  if (interrupted > 0) spdlog::warn("{} job(s) were running when the server last stopped: marked failed", interrupted);
  ASSIGN_OR_RETURN(p->blacklist, blacklist::BlacklistManager::Create(
                                     std::make_unique<blacklist::SqliteBlacklistStore>(*p->database)));
  ASSIGN_OR_RETURN(p->cache, cache::MakeResultCache(c.cache));

  if (absl::StatusOr<std::vector<std::string>> orphans = FindOrphanModelFiles(c.models_dir, *p->registry);
      !orphans.ok()) {
    spdlog::warn("cannot look for unregistered model files: {}", std::string(orphans.status().message()));
  } else if (!orphans->empty()) {
    spdlog::warn("{} holds {} model file(s) the registry {} does not know (was the registry file lost or replaced, "
                 "or did a training stop before recording its model?): {}. Re-register them with `{}`, then "
                 "activate one (ActivateModel)",
                 c.models_dir, orphans->size(), c.registry_path, fmt::join(*orphans, ", "),
                 ReRegisterCommand(c.registry_path, *orphans));
  }

  p->models = std::make_unique<ModelManager>(*p->registry, p->holder, p->recent, &p->next_titles,
                                             c.interactions.realtime, c.ann);
  p->realtime = std::make_unique<RealtimeUpdates>(p->holder, c.preparation, &p->newcomers);
  if (absl::Status loaded = p->models->LoadActive(); !loaded.ok()) {
    // Serving nothing beats not starting: the next training (or an activation) repairs it.
    spdlog::error("cannot serve the active model: {}", std::string(loaded.message()));
    p->holder.SetNoteWhileEmpty(fmt::format("no model is serving: {}", std::string(loaded.message())));
  }
  if (c.is_replica() && p->holder.Current() == nullptr) {
    p->holder.SetNoteWhileEmpty(fmt::format(
        "no model is serving yet: this read replica is fetching the active model from its primary at {}",
        c.replication.primary));
  }
  AnswerLimits limits;
  limits.default_k = c.default_k;
  limits.max_k = c.max_k;
  // A replica places newcomers only from a catalog it shares with the primary (MySQL): its
  // embedded default is a file of its own that no one fills.
  const bool reads_catalog = !c.is_replica() || c.data_source.kind == data::DataSourceConfig::Kind::kMysql;
  if (reads_catalog && c.new_titles_refresh_seconds > 0) {
    p->newcomers_refresher = std::make_unique<NewcomersRefresher>(c.data_source, p->holder, p->newcomers,
                                                                  absl::Seconds(c.new_titles_refresh_seconds));
  }
  p->engine =
      std::make_unique<RecommendationEngine>(p->holder, *p->cache, *p->blacklist, p->recent, limits, &p->newcomers);
  if (c.jobs_enabled) {
    p->runner = std::make_unique<TrainingRunner>(c, *p->registry, *p->hot_interactions, *p->models, p->holder,
                                                 *p->blacklist, *p->search_trials);
    p->jobs = std::make_unique<JobManager>(*p->job_store, *p->runner);
    ASSIGN_OR_RETURN(std::optional<CronSchedule> nightly, OptionalCron(c.schedule.nightly, c.schedule.time_zone));
    ASSIGN_OR_RETURN(std::optional<CronSchedule> incremental,
                     OptionalCron(c.schedule.incremental, c.schedule.time_zone));
    JobManager* jobs = p->jobs.get();
    p->scheduler = std::make_unique<RetrainingScheduler>(std::move(nightly), std::move(incremental),
                                                         [jobs](const registry::JobSpec& spec) {
                                                           absl::StatusOr<registry::JobRecord> job = jobs->Submit(spec);
                                                           if (!job.ok()) spdlog::error("schedule: {}", std::string(job.status().message()));
                                                         },
                                                         c.schedule.next_title);
  }
  ASSIGN_OR_RETURN(sessions::PolicySet policies, sessions::PolicySet::FromConfig(c.sessions));
  p->policies = std::make_unique<sessions::PolicySet>(std::move(policies));
  ASSIGN_OR_RETURN(p->session_store, MakeSessionStore(c, p->session_redis));
  p->session_feedback =
      std::make_unique<SessionFeedback>(*p->hot_interactions, p->recent, *p->cache, c.sessions.feedback_type,
                                        p->realtime.get());
  p->sessions = std::make_unique<SessionService>(p->holder, p->next_titles, *p->blacklist, *p->policies,
                                                 *p->session_store, *p->session_feedback, &p->newcomers);
  p->experiment_store = std::make_unique<registry::ExperimentStore>(*p->database);
  p->experiments =
      std::make_unique<ExperimentManager>(*p->experiment_store, *p->registry, *p->models, p->holder, *p->policies);
  if (c.is_replica() && !c.experiments.definitions.empty()) {
    spdlog::warn("experiments.definitions ({} experiments) is ignored on a read replica: it runs its primary's "
                 "experiments (give them to the primary)",
                 c.experiments.definitions.size());
  }
  // A replica serves the experiments it mirrored last (its registry) until the primary's snapshot.
  RETURN_IF_ERROR(p->experiments->Start(c.is_replica() ? std::vector<experiments::ExperimentDefinition>{}
                                                       : c.experiments.definitions));
  ExperimentManager* experiment_manager = p->experiments.get();
  p->models->set_in_use_check(
      [experiment_manager](int64_t model_id) { return experiment_manager->ModelInUse(model_id); });
  if (c.experiments.log.enabled) {
    const ExposureLogConfig& log = c.experiments.log;
    experiments::FileExposureLogOptions options;
    options.dir = log.dir;
    options.flush_interval = std::chrono::milliseconds(log.flush_interval_ms);
    options.max_file_bytes = uint64_t(log.max_file_mb) << 20;
    options.max_file_age = std::chrono::seconds(log.max_file_age_seconds);
    options.max_pending_records = static_cast<size_t>(log.max_pending_records);
    ASSIGN_OR_RETURN(p->exposure_file_log, experiments::FileExposureLog::Open(std::move(options)));
    p->exposures = std::make_unique<ExposureRecorder>(*p->exposure_file_log);
    spdlog::info("exposure log in {} (flushed every {} ms)", log.dir, log.flush_interval_ms);
  } else {
    p->exposures = std::make_unique<ExposureRecorder>(p->no_exposure_log);
  }
  p->recommender = std::make_unique<RecommenderService>(*p->engine, *p->sessions, p->jobs.get(), p->holder,
                                                         c.training.limits, *p->experiments, *p->exposures);
  p->admin = std::make_unique<AdminService>(AdminService::Parts{*p->registry, *p->job_store, *p->hot_interactions,
                                                                *p->models, p->holder, p->jobs.get(), *p->cache,
                                                                *p->blacklist, p->recent, c.preparation,
                                                                c.interactions.max_future_skew_seconds,
                                                                *p->search_trials, c.training, *p->experiments, *p->exposures,
                                                                c.experiments.log.enabled ? c.experiments.log.dir : "",
                                                                [log = p->exposure_file_log.get()] {
                                                                  return log ? log->Flush() : absl::OkStatus();
                                                                },
                                                                p->realtime.get()});
  p->auth = std::make_unique<AdminAuth>(c.admin_token);
  p->replication = std::make_unique<ReplicationRole>(
      ReplicationRole::Parts{c, *p->registry, *p->hot_interactions, *p->models, p->holder, p->next_titles,
                             *p->blacklist, *p->cache, p->recent, *p->session_feedback, *p->auth, *p->experiments,
                             p->realtime.get()},
      *p->admin, *p->recommender);
  return std::unique_ptr<Application>(new Application(std::move(p)));
}

absl::Status Application::Start() {
  Parts& p = *parts_;
  const ServerConfig& c = p.config;
  grpc::EnableDefaultHealthCheckService(true);
  // Called explicitly: with --as-needed the reflection library is otherwise dropped silently.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // Keeps the generated health descriptors linked, so reflection can describe grpc.health.v1.
  (void)grpc::health::v1::HealthCheckRequest::descriptor();

  p.grpc_recommender =
      std::make_unique<GrpcRecommenderService>(p.replication->recommender(), *p.auth, p.request_metrics);
  p.grpc_admin = std::make_unique<GrpcAdminService>(p.replication->admin(), *p.auth, p.request_metrics);
  grpc::ServerBuilder builder;
  // Linux lets a second process bind the same port with SO_REUSEPORT (gRPC's default): a
  // forgotten server would silently share the traffic. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(c.listen, grpc::InsecureServerCredentials(), &p.grpc_port);
  builder.RegisterService(p.grpc_recommender.get());
  builder.RegisterService(p.grpc_admin.get());
  p.replication->RegisterServices(builder);
  p.grpc_server = builder.BuildAndStart();
  if (p.grpc_server == nullptr || p.grpc_port == 0) {
    return absl::UnavailableError(fmt::format("cannot listen on {} (in use, or not an address of this host)", c.listen));
  }
  p.models->set_on_published([&p] {
    p.replication->OnPublished();
    if (p.newcomers_refresher) p.newcomers_refresher->RequestRefresh();
    p.RefreshHealth();
  });
  p.RefreshHealth();
  p.health_monitor = std::make_unique<HealthMonitor>(
      [&p] { return p.EvaluateHealth(); },
      [&p](const HealthReport& health) {
        // What caused a change was logged where it was found (load failures, the lost registry).
        spdlog::info("health: {}{}{}", health.serving() ? "SERVING" : "NOT_SERVING", health.detail.empty() ? "" : ": ",
                     health.detail);
        p.RefreshHealth();
      },
      kHealthInterval);
  p.health_monitor->Start();
  spdlog::info("gRPC listening on {} (port {})", c.listen, p.grpc_port);

  if (!c.http_listen.empty()) {
    http::HttpGatewayOptions options;
    options.threads = static_cast<size_t>(c.http.threads);
    options.max_body_bytes = static_cast<size_t>(c.http.max_body_bytes);
    if (c.http.max_waiting_trainings) {
      options.max_waiting_trainings = static_cast<size_t>(*c.http.max_waiting_trainings);
    }
    p.http = std::make_unique<http::HttpGateway>(p.replication->recommender(), p.replication->admin(), *p.auth,
                                                 p.request_metrics,
                                           [&p] { return p.CollectMetrics(); },
                                           [&p] { return p.EvaluateHealth(); }, options);
    ASSIGN_OR_RETURN(auto host_port, SplitHostPort(c.http_listen, "http_listen"));
    RETURN_IF_ERROR(p.http->Start(host_port.first, host_port.second));
    spdlog::info("HTTP listening on port {}", p.http->port());
  }

  // Before the job runner starts: a first training queued by the previous run is still queued
  // then, not already running where QueueFirstTraining would not see it and queue a second one.
  if (p.holder.Current() == nullptr && !p.replication->is_replica()) RETURN_IF_ERROR(p.QueueFirstTraining());
  if (p.jobs) {
    p.jobs->Start();
    p.scheduler->Start();
  }
  p.replication->Start();
  if (p.newcomers_refresher) p.newcomers_refresher->Start();
  return absl::OkStatus();
}

void Application::Shutdown(absl::Duration grace) {
  Parts& p = *parts_;
  {
    std::lock_guard lock(p.shutdown_mutex);
    if (p.shut_down) return;
    p.shut_down = true;
  }
  spdlog::info("shutting down");
  if (p.scheduler) p.scheduler->Stop();
  if (p.newcomers_refresher) p.newcomers_refresher->Stop();
  if (p.http) p.http->Stop();
  if (p.health_monitor) p.health_monitor->Stop();
  // The job worker ends first, so TrainModel calls waiting for a job are answered before the
  // gRPC server drains them.
  if (p.jobs) p.jobs->Stop();
  // Watch streams never end by themselves: closing them lets the gRPC server drain.
  if (p.replication) p.replication->Stop();
  if (p.grpc_server) p.grpc_server->Shutdown(std::chrono::system_clock::now() + absl::ToChronoSeconds(grace));
  // Every answer given is on disk before Shutdown returns.
  if (p.exposure_file_log) {
    if (absl::Status flushed = p.exposure_file_log->Flush(); !flushed.ok()) {
      spdlog::error("exposure log: {}", std::string(flushed.message()));
    }
  }
  p.shut_down_cv.notify_all();
}

void Application::Wait() {
  std::unique_lock lock(parts_->shutdown_mutex);
  parts_->shut_down_cv.wait(lock, [this] { return parts_->shut_down; });
}

int Application::grpc_port() const { return parts_->grpc_port; }
int Application::http_port() const { return parts_->http ? parts_->http->port() : 0; }
const NextTitleHolder& Application::next_titles() const { return parts_->next_titles; }
const ModelHolder& Application::models() const { return parts_->holder; }
const NewcomersHolder& Application::newcomers() const { return parts_->newcomers; }

absl::Status Application::RefreshNewcomers() {
  if (parts_->newcomers_refresher == nullptr) {
    return absl::FailedPreconditionError(
        "new titles and users are not refreshed here (a read replica without a MySQL catalog, or "
        "serving.new_titles_refresh_seconds is 0)");
  }
  return parts_->newcomers_refresher->RefreshNow();
}

bool Application::serving() const { return parts_->holder.Current() != nullptr; }
HealthReport Application::health() const { return parts_->EvaluateHealth(); }
const ServerConfig& Application::config() const { return parts_->config; }

}  // namespace vitrina::server
