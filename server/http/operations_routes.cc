#include "server/http/operations_routes.h"

#include "prometheus/text_serializer.h"
#include "server/http/json_codec.h"

namespace vitrina::server::http {
namespace {

RouteHandler HealthHandler(std::function<HealthReport()> evaluate_health) {
  return [evaluate = std::move(evaluate_health)](const RouteRequest&) -> absl::StatusOr<HttpReply> {
    const HealthReport health = evaluate();
    std::string body = health.serving() ? R"({"status":"SERVING")" : R"({"status":"NOT_SERVING")";
    if (!health.detail.empty()) body += R"(,"detail":)" + QuoteJson(health.detail);
    HttpReply reply = JsonReply(body + "}");
    if (!health.serving()) {
      reply.code = absl::StatusCode::kUnavailable;
      reply.http_status = 503;
    }
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
                         std::function<HealthReport()> evaluate_health) {
  routes.Add({"GET", "/health", "Health", Access::kPublic, HealthHandler(std::move(evaluate_health))});
  routes.Add(
      {"GET", "/metrics", "Metrics", Access::kPublic, MetricsHandler(metrics, std::move(collect_more_metrics))});
}

}  // namespace vitrina::server::http
