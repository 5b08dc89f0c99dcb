#pragma once

#include <functional>
#include <string>

#include "server/http/route_table.h"
#include "server/request_metrics.h"

namespace vitrina::server::http {

// GET /health: 200 {"status":"SERVING"} or 503 {"status":"NOT_SERVING"}, as `is_serving` says.
// GET /metrics: Prometheus text format 0.0.4, the request metrics followed by what
// `render_more_metrics` returns (cache, Redis, model and job figures of the server).
void AddOperationsRoutes(RouteTable& routes, const RequestMetrics& metrics,
                         std::function<std::string()> render_more_metrics, std::function<bool()> is_serving);

}  // namespace vitrina::server::http
