#include "server/http/operations_routes.h"

#include "prometheus/text_serializer.h"

namespace vitrina::server::http {
namespace {

RouteHandler HealthHandler(std::function<bool()> is_serving) {
  return [is_serving = std::move(is_serving)](const RouteRequest&) -> absl::StatusOr<HttpReply> {
    if (is_serving()) return JsonReply(R"({"status":"SERVING"})");
    HttpReply reply = JsonReply(R"({"status":"NOT_SERVING"})");
    reply.code = absl::StatusCode::kUnavailable;
    reply.http_status = 503;
    return reply;
  };
}

RouteHandler MetricsHandler(const RequestMetrics& metrics, CollectMetrics collect_more_metrics) {
  return [&metrics, collect_more = std::move(collect_more_metrics)](const RouteRequest&) -> absl::StatusOr<HttpReply> {
    std::vector<prometheus::MetricFamily> families = metrics.Collect();
    for (prometheus::MetricFamily& family : collect_more()) families.push_back(std::move(family));
    HttpReply reply;
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = prometheus::TextSerializer().Serialize(families);
    return reply;
  };
}

}  // namespace

void AddOperationsRoutes(RouteTable& routes, const RequestMetrics& metrics, CollectMetrics collect_more_metrics,
                         std::function<bool()> is_serving) {
  routes.Add({"GET", "/health", "Health", Access::kPublic, HealthHandler(std::move(is_serving))});
  routes.Add(
      {"GET", "/metrics", "Metrics", Access::kPublic, MetricsHandler(metrics, std::move(collect_more_metrics))});
}

}  // namespace vitrina::server::http
