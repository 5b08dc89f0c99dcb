#include "server/http/http_gateway.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <string>

#include "common/echo_for_message.h"
#include "fmt/format.h"
#include "server/http/api_routes.h"
#include "server/http/legacy_routes.h"
#include "server/http/operations_routes.h"
#include "spdlog/spdlog.h"

namespace vitrina::server::http {
namespace {

using Clock = std::chrono::steady_clock;

// The metrics' `method` label of requests no route took (404, 405): one fixed name, so that
// scanners probing random paths cannot grow the series without bound.
constexpr std::string_view kUnrouted = "Unrouted";

// Every method httplib dispatches to handlers that have read the body; HEAD goes to the GET
// handlers, and httplib sends a HEAD answer's headers without its body. The pre-routing handler
// answers OPTIONS and the rest before routing.
constexpr std::string_view kRoutedMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
// httplib's patterns are std::regex: `.` would not match a decoded %0A in a path.
constexpr char kAnyPath[] = R"([\s\S]*)";

void Write(const HttpReply& reply, httplib::Response& response) {
  response.status = reply.http_status;
  for (const auto& [name, value] : reply.headers) response.set_header(name, value);
  response.set_content(reply.body, reply.content_type);
}

// httplib's own refusals (malformed request, body over the limit, URI too long, bad Range)
// reach no handler; they get the same JSON error shape, with their HTTP status kept.
HttpReply LibraryRefusal(int http_status) {
  absl::StatusCode code = http_status == 413   ? absl::StatusCode::kResourceExhausted
                          : http_status >= 500 ? absl::StatusCode::kInternal
                                               : absl::StatusCode::kInvalidArgument;
  HttpReply reply =
      ErrorReply(absl::Status(code, fmt::format("HTTP {}: the request was refused before routing", http_status)));
  reply.http_status = http_status;
  return reply;
}

}  // namespace

HttpGateway::HttpGateway(RecommenderCore& recommender, AdminCore& admin, const AdminAuth& auth, RequestMetrics& metrics,
                         std::function<std::string()> render_more_metrics, std::function<HealthReport()> evaluate_health,
                         HttpGatewayOptions options)
    : auth_(auth), metrics_(metrics), trainings_(recommender), server_(std::make_unique<httplib::Server>()) {
  AddApiRoutes(routes_, recommender, admin, trainings_);
  AddLegacyRoutes(routes_, recommender, admin, trainings_);
  AddOperationsRoutes(routes_, metrics_, std::move(render_more_metrics), std::move(evaluate_health));

  size_t threads = std::max<size_t>(options.threads, 1);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_payload_max_length(options.max_body_bytes);
  // httplib's default sets SO_REUSEPORT: a second server (say, an old instance still running)
  // would bind the same port without error and take a share of its connections. SO_REUSEADDR
  // alone still allows a restart while old connections sit in TIME_WAIT.
  server_->set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  auto serve = [this](const httplib::Request& request, httplib::Response& response) { Serve(request, response); };
  server_->Get(kAnyPath, serve);
  server_->Post(kAnyPath, serve);
  server_->Put(kAnyPath, serve);
  server_->Patch(kAnyPath, serve);
  server_->Delete(kAnyPath, serve);
  server_->set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    for (std::string_view method : kRoutedMethods) {
      if (request.method == method) return httplib::Server::HandlerResponse::Unhandled;
    }
    Serve(request, response);
    return httplib::Server::HandlerResponse::Handled;
  });
  server_->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& response) {
        if (!response.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        Write(LibraryRefusal(response.status), response);
        return httplib::Server::HandlerResponse::Handled;
      }));
  server_->set_exception_handler([](const httplib::Request& request, httplib::Response& response, std::exception_ptr) {
    spdlog::error("HTTP {} {}: unexpected exception", request.method, request.path);
    Write(ErrorReply(absl::InternalError("unexpected error")), response);
  });
}

HttpGateway::~HttpGateway() { Stop(); }

absl::Status HttpGateway::Start(const std::string& host, int port) {
  if (started_) return absl::FailedPreconditionError("an HTTP gateway starts once");
  if (port < 0 || port > 65535) {
    return absl::InvalidArgumentError(fmt::format("HTTP port must be within 0..65535, got {}", port));
  }
  started_ = true;
  int bound = port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return absl::UnavailableError(fmt::format("HTTP gateway cannot listen on {}:{}", host, port));
  port_ = bound;
  listener_ = std::thread([this] {
    server_->listen_after_bind();
    listener_ended_ = true;
  });
  // httplib 0.11 has no wait_until_ready(); stop() before the accept loop runs would be lost.
  while (!server_->is_running() && !listener_ended_) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (!server_->is_running()) {
    listener_.join();
    return absl::UnavailableError(fmt::format("HTTP gateway on {}:{} stopped at once", host, port_));
  }
  return absl::OkStatus();
}

void HttpGateway::Stop() {
  trainings_.CancelAll();
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

void HttpGateway::Serve(const httplib::Request& request, httplib::Response& response) {
  auto start = Clock::now();
  std::string_view route_name;
  HttpReply reply = Dispatch(request, route_name);
  metrics_.Observe("http", route_name, reply.code, std::chrono::duration<double>(Clock::now() - start).count());
  Write(reply, response);
}

HttpReply HttpGateway::Dispatch(const httplib::Request& request, std::string_view& route_name) {
  RouteTable::Lookup lookup = routes_.Find(request.method, request.path);
  if (lookup.route == nullptr) {
    route_name = kUnrouted;
    const std::string method = common::EchoForMessage(request.method);
    const std::string path = common::EchoForMessage(request.path);
    if (lookup.allowed_methods.empty()) {
      return ErrorReply(absl::NotFoundError(fmt::format("no route for {} {}", method, path)));
    }
    const std::string allowed = fmt::format("{}", fmt::join(lookup.allowed_methods, ", "));
    HttpReply reply = ErrorReply(
        absl::UnimplementedError(fmt::format("{} is not allowed on {}; allowed: {}", method, path, allowed)));
    reply.http_status = 405;
    reply.headers.emplace_back("Allow", allowed);
    return reply;
  }
  const Route& route = *lookup.route;
  route_name = route.name;
  if (route.access == Access::kAdmin) {
    absl::Status allowed = auth_.Check(request.get_header_value("Authorization"));
    if (!allowed.ok()) return ErrorReply(allowed);
  }
  absl::StatusOr<HttpReply> reply =
      route.handler(RouteRequest{QueryParams(request.params), request.body, std::move(lookup.path_params)});
  if (!reply.ok()) return ErrorReply(reply.status());
  return *std::move(reply);
}

}  // namespace vitrina::server::http
