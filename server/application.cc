#include "server/application.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include <filesystem>

#include "blacklist/blacklist_manager.h"
#include "blacklist/sqlite_blacklist_store.h"
#include "cache/cache_factory.h"
#include "common/parse_number.h"
#include "common/status_macros.h"
#include "data/demo_catalog.h"
#include "fmt/format.h"
#include "grpc/health/v1/health.pb.h"
#include "registry/hot_interaction_store.h"
#include "registry/job_store.h"
#include "registry/model_registry.h"
#include "registry/registry_database.h"
#include "server/admin_service.h"
#include "server/grpc_services.h"
#include "server/http/http_gateway.h"
#include "server/job_manager.h"
#include "server/model_manager.h"
#include "server/recommendation_engine.h"
#include "server/recommender_service.h"
#include "server/request_metrics.h"
#include "server/retraining_scheduler.h"
#include "server/training_runner.h"
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
  RecentConsumption recent;
  std::unique_ptr<ModelManager> models;
  std::unique_ptr<RecommendationEngine> engine;
  std::unique_ptr<TrainingRunner> runner;
  std::unique_ptr<JobManager> jobs;
  std::unique_ptr<RetrainingScheduler> scheduler;
  RequestMetrics request_metrics;
  std::unique_ptr<RecommenderService> recommender;
  std::unique_ptr<AdminService> admin;
  std::unique_ptr<AdminAuth> auth;
  std::unique_ptr<GrpcRecommenderService> grpc_recommender;
  std::unique_ptr<GrpcAdminService> grpc_admin;
  std::unique_ptr<grpc::Server> grpc_server;
  std::unique_ptr<http::HttpGateway> http;
  int grpc_port = 0;
  std::mutex shutdown_mutex;
  std::condition_variable shut_down_cv;
  bool shut_down = false;

  std::string RenderMetrics() const;
  void PublishHealth();
};

namespace {

absl::Status EnsureEmbeddedCatalog(const ServerConfig& config) {
  if (config.data_source.kind != data::DataSourceConfig::Kind::kEmbedded) return absl::OkStatus();
  const std::string& path = config.data_source.embedded_path;
  if (std::filesystem::exists(path) || !config.demo.generate_if_missing) return absl::OkStatus();
  data::DemoCatalogSpec spec;
  spec.seed = config.demo.seed;
  spec.users = config.demo.users;
  spec.titles = config.demo.titles;
  spec.interactions = config.demo.interactions;
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

}  // namespace

// Everything but the request metrics, which the HTTP edge renders itself ahead of this text.
std::string Application::Parts::RenderMetrics() const {
  std::string out;
  cache::CacheStats stats = cache->Stats();
  out += fmt::format(
      "# HELP vitrina_cache_requests_total Cache lookups by result.\n# TYPE vitrina_cache_requests_total counter\n"
      "vitrina_cache_requests_total{{backend=\"{0}\",result=\"hit\"}} {1}\n"
      "vitrina_cache_requests_total{{backend=\"{0}\",result=\"miss\"}} {2}\n"
      "vitrina_cache_requests_total{{backend=\"{0}\",result=\"error\"}} {3}\n"
      "# HELP vitrina_cache_reconnects_total Cache connections re-established after a failure.\n"
      "# TYPE vitrina_cache_reconnects_total counter\nvitrina_cache_reconnects_total{{backend=\"{0}\"}} {4}\n",
      cache->BackendName(), stats.hits, stats.misses, stats.errors, stats.reconnects);
  std::shared_ptr<const ServedModel> served = holder.Current();
  out += "# HELP vitrina_active_model_id The model serving now (0: none).\n# TYPE vitrina_active_model_id gauge\n";
  out += fmt::format("vitrina_active_model_id {}\n", served ? served->model_id : 0);
  out += "# HELP vitrina_active_model_age_seconds Time since the serving model was activated.\n"
         "# TYPE vitrina_active_model_age_seconds gauge\n";
  out += fmt::format("vitrina_active_model_age_seconds {:.0f}\n",
                     served ? absl::ToDoubleSeconds(absl::Now() - served->activated_at) : 0.0);
  if (jobs) jobs->AppendPrometheus(out);
  return out;
}

void Application::Parts::PublishHealth() {
  if (grpc_server == nullptr) return;
  bool serving = holder.Current() != nullptr;
  grpc::HealthCheckServiceInterface* health = grpc_server->GetHealthCheckService();
  for (const char* service : {"", "vitrina.v1.Recommender", "vitrina.v1.Admin"}) {
    health->SetServingStatus(service, serving);
  }
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
  RETURN_IF_ERROR(EnsureEmbeddedCatalog(c));

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

  p->models = std::make_unique<ModelManager>(*p->registry, p->holder, p->recent);
  if (absl::Status loaded = p->models->LoadActive(); !loaded.ok()) {
    // Serving nothing beats not starting: the next training (or an activation) repairs it.
    spdlog::error("cannot serve the active model: {}", std::string(loaded.message()));
  }
  AnswerLimits limits;
  limits.default_k = c.default_k;
  limits.max_k = c.max_k;
  p->engine = std::make_unique<RecommendationEngine>(p->holder, *p->cache, *p->blacklist, p->recent, limits);
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
                                                         });
  }
  p->recommender = std::make_unique<RecommenderService>(*p->engine, p->jobs.get(), p->holder);
  p->admin = std::make_unique<AdminService>(AdminService::Parts{*p->registry, *p->job_store, *p->hot_interactions,
                                                                *p->models, p->holder, p->jobs.get(), *p->cache,
                                                                *p->blacklist, p->recent, c.preparation,
                                                                *p->search_trials, c.training});
  p->auth = std::make_unique<AdminAuth>(c.admin_token);
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

  p.grpc_recommender = std::make_unique<GrpcRecommenderService>(*p.recommender, p.request_metrics);
  p.grpc_admin = std::make_unique<GrpcAdminService>(*p.admin, *p.auth, p.request_metrics);
  grpc::ServerBuilder builder;
  // Linux lets a second process bind the same port with SO_REUSEPORT (gRPC's default): a
  // forgotten server would silently share the traffic. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(c.listen, grpc::InsecureServerCredentials(), &p.grpc_port);
  builder.RegisterService(p.grpc_recommender.get());
  builder.RegisterService(p.grpc_admin.get());
  p.grpc_server = builder.BuildAndStart();
  if (p.grpc_server == nullptr || p.grpc_port == 0) {
    return absl::UnavailableError(fmt::format("cannot listen on {} (in use, or not an address of this host)", c.listen));
  }
  p.models->set_on_published([&p] { p.PublishHealth(); });
  p.PublishHealth();
  spdlog::info("gRPC listening on {} (port {})", c.listen, p.grpc_port);

  if (!c.http_listen.empty()) {
    p.http = std::make_unique<http::HttpGateway>(*p.recommender, *p.admin, *p.auth, p.request_metrics,
                                           [&p] { return p.RenderMetrics(); },
                                           [&p] { return p.holder.Current() != nullptr; });
    ASSIGN_OR_RETURN(auto host_port, SplitHostPort(c.http_listen, "http_listen"));
    RETURN_IF_ERROR(p.http->Start(host_port.first, host_port.second));
    spdlog::info("HTTP listening on port {}", p.http->port());
  }

  if (p.jobs) {
    p.jobs->Start();
    p.scheduler->Start();
    if (p.holder.Current() == nullptr && c.training.train_at_start) {
      ASSIGN_OR_RETURN(std::optional<int64_t> pending, PendingFirstTraining(*p.job_store, registry::UnixNow()));
      if (pending) {
        spdlog::info("no model yet: job {}, queued before, trains the first one", *pending);
      } else {
        registry::JobSpec spec;
        spec.trigger = registry::JobTrigger::kApi;
        spec.activate = registry::ActivatePolicy::kAlways;
        spec.scheduled_at = registry::UnixNow();
        ASSIGN_OR_RETURN(registry::JobRecord job, p.jobs->Submit(spec));
        spdlog::info("no model yet: first training queued as job {}", job.id);
      }
    }
  }
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
  if (p.http) p.http->Stop();
  // The job worker ends first, so TrainModel calls waiting for a job are answered before the
  // gRPC server drains them.
  if (p.jobs) p.jobs->Stop();
  if (p.grpc_server) p.grpc_server->Shutdown(std::chrono::system_clock::now() + absl::ToChronoSeconds(grace));
  p.shut_down_cv.notify_all();
}

void Application::Wait() {
  std::unique_lock lock(parts_->shutdown_mutex);
  parts_->shut_down_cv.wait(lock, [this] { return parts_->shut_down; });
}

int Application::grpc_port() const { return parts_->grpc_port; }
int Application::http_port() const { return parts_->http ? parts_->http->port() : 0; }
bool Application::serving() const { return parts_->holder.Current() != nullptr; }
const ServerConfig& Application::config() const { return parts_->config; }

}  // namespace vitrina::server
