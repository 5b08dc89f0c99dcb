#pragma once

#include <functional>
#include <string>

#include "server/health_report.h"
#include "server/http/route_table.h"
#include "server/request_metrics.h"

namespace vitrina::server::http {

// GET /health: 200 {"status":"SERVING"} or 503 {"status":"NOT_SERVING"}, as `evaluate_health`
// says, with "detail" (why not serving, or a degraded state such as a fallback model) when it has one.
// GET /metrics: Prometheus text format 0.0.4, the request metrics followed by what
// `render_more_metrics` returns (cache, Redis, model and job figures of the server).
void AddOperationsRoutes(RouteTable& routes, const RequestMetrics& metrics,
                         std::function<std::string()> render_more_metrics,
                         std::function<HealthReport()> evaluate_health);

}  // namespace vitrina::server::http
