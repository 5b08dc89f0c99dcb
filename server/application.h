#pragma once

#include <grpcpp/server.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/health_report.h"
#include "server/server_config.h"

namespace vitrina::server {

// Not included: served_model.h brings Eigen, which must not follow httplib's <resolv.h> (its `_res`
// macro breaks Eigen's headers) in a file that includes both.
class NextTitleHolder;
class ModelHolder;
class NewcomersHolder;

// The whole server wired from its config: stores, model, cache, blacklist, job worker, schedules
// and the gRPC (and HTTP) listeners. main() and the end-to-end tests both run it.
class Application {
 public:
  // Opens the stores (creating the demo catalog on first start when configured) and loads the
  // active model. Nothing listens yet.
  static absl::StatusOr<std::unique_ptr<Application>> Create(ServerConfig config);
  ~Application();

  // Binds the listeners (port 0 picks a free one), starts the job worker, the schedules and the
  // health monitor, and queues a first training when no model serves and training.train_at_start
  // is set.
  absl::Status Start();
  // Graceful: stops taking calls, lets in-flight ones finish (up to `grace`), ends the running
  // job cleanly (failed: "the server shut down"), closes the stores.
  void Shutdown(absl::Duration grace = absl::Seconds(10));
  // Blocks until Shutdown() has completed.
  void Wait();

  int grpc_port() const;
  int http_port() const;  // 0 when no HTTP listener
  // SERVING once a model (or its popularity fallback) is loaded.
  bool serving() const;
  // What /health reports: serving, the registry file intact, and why not or what is degraded.
  HealthReport health() const;
  const ServerConfig& config() const;
  // The learned next-title model serving beside the personal one (empty until one is active);
  // session policies take it through CallNextTitles.
  const NextTitleHolder& next_titles() const;
  // The personal model serving now (with its ANN index, when it has one).
  const ModelHolder& models() const;
  // Titles and users the served model was not trained on, placed by their features.
  const NewcomersHolder& newcomers() const;
  // Reads the catalog's titles and users now and places those the served model was not trained
  // on by their features (what the refresher does every serving.new_titles_refresh_seconds).
  absl::Status RefreshNewcomers();

 private:
  struct Parts;
  explicit Application(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace vitrina::server
