#include "server/http/http_gateway.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "common/echo_for_message.h"
#include "fmt/format.h"
#include "server/http/api_routes.h"
#include "server/http/dashboard_files.h"
#include "server/http/dashboard_routes.h"
#include "server/http/experiment_routes.h"
#include "server/http/legacy_routes.h"
#include "server/http/operations_routes.h"
#include "server/http/session_routes.h"
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

// httplib's own refusals (malformed request, URI too long, bad Range) reach no handler; they get
// the same JSON error shape, with their HTTP status kept.
HttpReply LibraryRefusal(int http_status) {
  absl::StatusCode code = http_status == 413   ? absl::StatusCode::kResourceExhausted
                          : http_status >= 500 ? absl::StatusCode::kInternal
                                               : absl::StatusCode::kInvalidArgument;
  HttpReply reply =
      ErrorReply(absl::Status(code, fmt::format("HTTP {}: the request was refused before routing", http_status)));
  reply.http_status = http_status;
  return reply;
}

size_t Threads(const HttpGatewayOptions& options) { return std::max<size_t>(options.threads, 2); }

// Waiting trainings always leave a thread to the other requests.
size_t MaxWaitingTrainings(const HttpGatewayOptions& options) {
  const size_t threads = Threads(options);
  return std::min(options.max_waiting_trainings.value_or(std::max<size_t>(threads / 4, 1)), threads - 1);
}

}  // namespace

HttpGateway::HttpGateway(RecommenderCore& recommender, AdminCore& admin, const AdminAuth& auth, RequestMetrics& metrics,
                         CollectMetrics collect_more_metrics, std::function<HealthReport()> evaluate_health,
                         HttpGatewayOptions options)
    : max_body_bytes_(options.max_body_bytes),
      auth_(auth),
      metrics_(metrics),
      trainings_(recommender, MaxWaitingTrainings(options)),
      server_(std::make_unique<httplib::Server>()) {
  AddApiRoutes(routes_, recommender, admin, trainings_);
  AddLegacyRoutes(routes_, recommender, admin, trainings_);
  AddExperimentRoutes(routes_, admin);
  AddSessionRoutes(routes_, recommender);
  AddOperationsRoutes(routes_, metrics_, std::move(collect_more_metrics), std::move(evaluate_health));
  AddDashboardRoutes(routes_, DashboardFiles());

  const size_t threads = Threads(options);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // Bodies announcing a larger Content-Length are skipped unread by httplib (413 below); the
  // body reader enforces the same limit on chunked bodies, which httplib does not bound.
  server_->set_payload_max_length(max_body_bytes_);
  // httplib writes a reply's headers and body in two writes: with Nagle on, the body waits for
  // the client's delayed ACK of the headers (~40 ms per keep-alive request).
  server_->set_tcp_nodelay(true);
  // httplib closes a keep-alive connection after 5 requests by default: a player calling /next
  // once per track would reconnect every fifth track. Idle connections still close after the
  // keep-alive timeout (5 s), which frees their thread.
  server_->set_keep_alive_max_count(1000);
  // httplib's default sets SO_REUSEPORT: a second server (say, an old instance still running)
  // would bind the same port without error and take a share of its connections. SO_REUSEADDR
  // alone still allows a restart while old connections sit in TIME_WAIT.
  server_->set_socket_options([this](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket_ = socket;
  });
  server_->Get(kAnyPath, [this](const httplib::Request& request, httplib::Response& response) {
    Serve(request, nullptr, response);
  });
  // Handlers with a content reader: httplib's own reading would parse a body sent as
  // application/x-www-form-urlencoded (curl -d's default) into parameters, refusing it above
  // 8 KB (CPPHTTPLIB_FORM_URL_ENCODED_PAYLOAD_MAX_LENGTH, compiled into Debian's library), and
  // a multipart body into files. Every route takes raw JSON, so the body is read as bytes.
  const httplib::Server::HandlerWithContentReader serve_with_body =
      [this](const httplib::Request& request, httplib::Response& response, const httplib::ContentReader& reader) {
        Serve(request, &reader, response);
      };
  server_->Post(kAnyPath, serve_with_body);
  server_->Put(kAnyPath, serve_with_body);
  server_->Patch(kAnyPath, serve_with_body);
  server_->Delete(kAnyPath, serve_with_body);
  server_->set_pre_routing_handler([this](const httplib::Request& request, httplib::Response& response) {
    for (std::string_view method : kRoutedMethods) {
      if (request.method == method) return httplib::Server::HandlerResponse::Unhandled;
    }
    Serve(request, nullptr, response);
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
  // httplib 0.11 listens with a backlog of 5 (compiled into Debian's library): a burst of new
  // connections while the accept loop waits for a CPU overflows it, and the kernel drops their
  // SYNs, so those clients stall a whole SYN retransmission (1 s). listen() again on the bound
  // socket only raises the queue (capped by net.core.somaxconn).
  if (::listen(listen_socket_, SOMAXCONN) != 0) {
    spdlog::warn("HTTP gateway: cannot widen the accept backlog of {}:{} ({}); bursts of new connections may wait",
                 host, port_, std::strerror(errno));
  }
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

void HttpGateway::Serve(const httplib::Request& request, const httplib::ContentReader* body_reader,
                        httplib::Response& response) {
  auto start = Clock::now();
  std::string_view route_name;
  HttpReply reply = Dispatch(request, body_reader, response, route_name);
  metrics_.Observe("http", route_name, reply.code, std::chrono::duration<double>(Clock::now() - start).count());
  Write(reply, response);
}

std::optional<HttpReply> HttpGateway::ReadBody(const httplib::Request& request, const httplib::ContentReader& reader,
                                               const httplib::Response& response, std::string& body) const {
  bool over_limit = false;
  size_t received = 0;
  auto admit = [&](size_t size) {
    over_limit = size > max_body_bytes_ - received;
    received += over_limit ? 0 : size;
    return !over_limit;
  };
  // httplib hands a multipart body only part by part: read it through, so that the connection
  // stays usable, then refuse it.
  const bool multipart = request.is_multipart_form_data();
  const bool read = multipart ? reader([](const httplib::MultipartFormData&) { return true; },
                                       [&](const char*, size_t size) { return admit(size); })
                              : reader([&](const char* data, size_t size) {
                                  if (!admit(size)) return false;
                                  body.append(data, size);
                                  return true;
                                });
  if (read && !multipart) return std::nullopt;

  HttpReply reply;
  if (read) {
    reply = ErrorReply(absl::InvalidArgumentError(
        "request bodies are JSON (any Content-Type but multipart/form-data, which is not accepted)"));
    reply.http_status = 415;
    return reply;
  }
  // httplib refuses a Content-Length over the limit itself and skips that body (status 413).
  const bool length_over_limit = !over_limit && response.status == 413;
  if (over_limit || length_over_limit) {
    reply = ErrorReply(absl::ResourceExhaustedError(
        fmt::format("the request body exceeds {} bytes, the limit of every route (http.max_body_bytes)",
                    max_body_bytes_)));
    reply.http_status = 413;
  } else {
    reply = ErrorReply(absl::InvalidArgumentError(
        "the request body could not be read (cut short, or a malformed chunked or compressed encoding)"));
    reply.http_status = 400;
  }
  // The rest of an unread body would be taken for the next request on this connection.
  if (!length_over_limit) reply.headers.emplace_back("Connection", "close");
  return reply;
}

HttpReply HttpGateway::Dispatch(const httplib::Request& request, const httplib::ContentReader* body_reader,
                                httplib::Response& response, std::string_view& route_name) {
  // Read (or skip) the body first whatever the answer: the connection must reach the next request.
  std::string body;
  std::optional<HttpReply> body_refused =
      body_reader == nullptr ? std::nullopt : ReadBody(request, *body_reader, response, body);
  RouteTable::Lookup lookup = routes_.Find(request.method, request.path);
  route_name = lookup.route == nullptr ? kUnrouted : std::string_view(lookup.route->name);
  if (body_refused) return *std::move(body_refused);
  if (lookup.route == nullptr) {
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
  if (route.access == Access::kAdmin) {
    absl::Status allowed = auth_.Check(request.get_header_value("Authorization"));
    if (!allowed.ok()) return ErrorReply(allowed);
  }
  absl::StatusOr<HttpReply> reply =
      route.handler(RouteRequest{QueryParams(request.params), body, std::move(lookup.path_params)});
  if (!reply.ok()) return ErrorReply(reply.status());
  return *std::move(reply);
}

}  // namespace vitrina::server::http
