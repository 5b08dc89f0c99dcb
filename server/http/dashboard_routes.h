#pragma once

#include <span>

#include "server/http/embedded_file.h"
#include "server/http/route_table.h"

namespace vitrina::server::http {

// The name of the dashboard's page among its files, served at GET /dashboard.
inline constexpr std::string_view kDashboardPage = "index.html";

// GET /dashboard: the operator dashboard (`files`' index.html); GET /dashboard/{file}: the other
// files it loads (scripts, styles, the chart library and its licence), 404 for any other name.
//
// These routes are public even when an admin token is set: they serve the same static bytes to
// everyone, bytes that are in the repository anyway, and no data. The data comes from the admin
// routes (/admin/models, /admin/jobs, /admin/experiments), which the page calls with
// `Authorization: Bearer <token>`; it asks the operator for the token when one answers 401. A
// header set by script, unlike a cookie or HTTP Basic credentials that the browser would attach
// by itself, cannot be sent by another site's page (no cross-site request forgery on the admin
// POST routes), and unlike a ?token= query parameter it never lands in access logs, proxies or
// the browser history. Every answer carries a strict Content-Security-Policy (scripts, styles
// and fetches from this origin only; no inline code) and is not framed by other sites.
void AddDashboardRoutes(RouteTable& routes, std::span<const EmbeddedFile> files);

}  // namespace vitrina::server::http
