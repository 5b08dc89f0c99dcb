#include "server/http/operations_routes.h"

namespace vitrina::server::http {

void AddOperationsRoutes(RouteTable& routes, const RequestMetrics& metrics,
                         std::function<std::string()> render_more_metrics, std::function<bool()> is_serving) {
  routes.Add({"GET", "/health", "Health", Access::kPublic,
              [is_serving = std::move(is_serving)](const RouteRequest&) -> absl::StatusOr<HttpReply> {
                if (is_serving()) return JsonReply(R"({"status":"SERVING"})");
                HttpReply reply = JsonReply(R"({"status":"NOT_SERVING"})");
                reply.code = absl::StatusCode::kUnavailable;
                reply.http_status = 503;
                return reply;
              }});
  routes.Add({"GET", "/metrics", "Metrics", Access::kPublic,
              [&metrics, render_more_metrics = std::move(render_more_metrics)](
                  const RouteRequest&) -> absl::StatusOr<HttpReply> {
                HttpReply reply;
                reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
                metrics.AppendPrometheus(reply.body);
                reply.body += render_more_metrics();
                return reply;
              }});
}

}  // namespace vitrina::server::http
