#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "server/admin_auth.h"
#include "server/admin_core.h"
#include "server/health_report.h"
#include "server/http/operations_routes.h"
#include "server/http/route_table.h"
#include "server/http/training_waiter.h"
#include "server/recommender_core.h"
#include "server/request_metrics.h"

namespace httplib {
class Server;
class ContentReader;
struct Request;
struct Response;
}  // namespace httplib

namespace vitrina::server::http {

struct HttpGatewayOptions {
  // httplib serves one connection per thread, keep-alive included; at least 2.
  size_t threads = 8;
  // The one body limit of every route, whatever the Content-Type says; larger bodies get 413.
  size_t max_body_bytes = size_t{1} << 20;
  // Requests that may wait for their training at once (see TrainingWaiter); at most threads - 1.
  // Unset: a quarter of the threads, at least 1.
  std::optional<size_t> max_waiting_trainings;
};

// The HTTP/JSON edge: the API's routes, the old Python service's paths, /health and /metrics,
// all over the same cores as the gRPC edge (see api_routes.h, legacy_routes.h,
// operations_routes.h). Every answer is JSON (errors: {"code":"NOT_FOUND","message":"..."}),
// admin routes check the admin token, and every request is observed in `metrics` with
// transport "http". Runs cpp-httplib on its own thread pool: one thread per open connection, so
// a request that waits for a training holds one thread until the training ends (hence the cap
// on waiting trainings, max_waiting_trainings).
class HttpGateway {
 public:
  HttpGateway(RecommenderCore& recommender, AdminCore& admin, const AdminAuth& auth, RequestMetrics& metrics,
              CollectMetrics collect_more_metrics, std::function<HealthReport()> evaluate_health,
              HttpGatewayOptions options = {});
  HttpGateway(const HttpGateway&) = delete;
  HttpGateway& operator=(const HttpGateway&) = delete;
  ~HttpGateway();

  // Listens on host:port (port 0: a free one, see port()) and returns once requests are served.
  // A gateway starts once; Unavailable when the address cannot be bound.
  absl::Status Start(const std::string& host, int port);
  // Stops accepting, releases requests waiting for a training (503), and joins the threads.
  void Stop();

  int port() const { return port_; }

 private:
  // `body_reader` is null for methods without a body (GET, HEAD, ...).
  void Serve(const httplib::Request& request, const httplib::ContentReader* body_reader, httplib::Response& response);
  // `route_name` is set to the metrics' name of the route that answered.
  HttpReply Dispatch(const httplib::Request& request, const httplib::ContentReader* body_reader,
                     httplib::Response& response, std::string_view& route_name);
  // Reads the whole body into `body` as raw bytes, or answers why not (413, 415, 400).
  std::optional<HttpReply> ReadBody(const httplib::Request& request, const httplib::ContentReader& reader,
                                    const httplib::Response& response, std::string& body) const;

  const size_t max_body_bytes_;
  const AdminAuth& auth_;
  RequestMetrics& metrics_;
  TrainingWaiter trainings_;
  RouteTable routes_;
  std::unique_ptr<httplib::Server> server_;
  bool started_ = false;
  std::thread listener_;
  std::atomic<bool> listener_ended_{false};
  int port_ = 0;
};

}  // namespace vitrina::server::http
