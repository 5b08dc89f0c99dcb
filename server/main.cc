// vitrina-server: the recommendation service (gRPC, HTTP/JSON, training jobs, schedules).
#include <csignal>
#include <cstdlib>
#include <thread>

#include <CLI/CLI.hpp>

#include "server/application.h"
#include "spdlog/spdlog.h"

int main(int argc, char** argv) {
  CLI::App cli{"Vitrina recommendation server. With no --config it runs the embedded default: data in ./data, "
               "a demo catalog generated at first start, gRPC on 127.0.0.1:50051, HTTP on 127.0.0.1:8080.\n"
               "Environment overrides: VITRINA_LISTEN, VITRINA_HTTP_LISTEN, VITRINA_DATA_DIR, VITRINA_ADMIN_TOKEN, "
               "VITRINA_REDIS_URL, VITRINA_CACHE_TTL_SECONDS, VITRINA_MYSQL_URL, VITRINA_NIGHTLY_CRON, "
               "VITRINA_INCREMENTAL_CRON, VITRINA_TIME_ZONE, VITRINA_JOBS_ENABLED, VITRINA_LOG_LEVEL."};
  std::string config_path, listen, http_listen, data_dir, log_level;
  cli.add_option("--config", config_path, "YAML config file (see config/vitrina.example.yaml)")->check(CLI::ExistingFile);
  cli.add_option("--listen", listen, "gRPC address HOST:PORT (overrides the config; port 0 picks one)");
  cli.add_option("--http-listen", http_listen, "HTTP address HOST:PORT, or \"\" for none (overrides the config)");
  cli.add_option("--data-dir", data_dir, "data directory (overrides the config)");
  cli.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  CLI11_PARSE(cli, argc, argv);

  auto environment = [](const char* name) -> const char* { return std::getenv(name); };
  auto config = config_path.empty() ? vitrina::server::ServerConfig::Parse("", environment)
                                    : vitrina::server::ServerConfig::Load(config_path, environment);
  if (!config.ok()) {
    spdlog::error("config: {}", std::string(config.status().message()));
    return 2;
  }
  if (!listen.empty()) config->listen = listen;
  if (cli.count("--http-listen") > 0) config->http_listen = http_listen;
  if (!data_dir.empty()) config->data_dir = data_dir;
  if (!log_level.empty()) config->log_level = log_level;
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  // Signals are taken by one thread with sigwait, never by a handler: Shutdown is not
  // async-signal-safe. Blocked before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto app = vitrina::server::Application::Create(*std::move(config));
  if (!app.ok()) {
    spdlog::error("cannot start: {}", std::string(app.status().message()));
    return 1;
  }
  if (absl::Status started = (*app)->Start(); !started.ok()) {
    spdlog::error("cannot start: {}", std::string(started.message()));
    return 1;
  }
  std::thread signal_waiter([&signals, application = app->get()] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("signal {}: draining calls", signal);
    application->Shutdown();
  });
  (*app)->Wait();
  signal_waiter.join();
  spdlog::info("stopped");
  return 0;
}
