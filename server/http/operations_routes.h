#pragma once

#include <functional>
#include <vector>

#include "prometheus/metric_family.h"
#include "server/health_report.h"
#include "server/http/route_table.h"
#include "server/request_metrics.h"

namespace vitrina::server::http {

// The rest of the server's metrics (cache, model, jobs, process), collected at scrape time.
using CollectMetrics = std::function<std::vector<prometheus::MetricFamily>()>;

// GET /health: 200 {"status":"SERVING"} or 503 {"status":"NOT_SERVING"}, as `evaluate_health`
// says, with "detail" (why not serving, or a degraded state such as a fallback model) when it has one.
// GET /metrics: Prometheus text format 0.0.4 (prometheus-cpp's TextSerializer) of the request
// metrics and of what `collect_more_metrics` returns.
void AddOperationsRoutes(RouteTable& routes, const RequestMetrics& metrics, CollectMetrics collect_more_metrics,
                         std::function<HealthReport()> evaluate_health);

}  // namespace vitrina::server::http
