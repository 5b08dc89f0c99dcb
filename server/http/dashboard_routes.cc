#include "server/http/dashboard_routes.h"

#include <algorithm>
#include <string>

#include "common/echo_for_message.h"
#include "fmt/format.h"

namespace vitrina::server::http {
namespace {

// Scripts, styles, fetches and images from this origin only, nothing inline, no plugins, no
// framing by other sites (clickjacking), no <base> rewriting.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

std::string ContentTypeOf(std::string_view name) {
  auto ends_with = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "text/plain; charset=utf-8";
}

HttpReply FileReply(const EmbeddedFile& file) {
  HttpReply reply;
  reply.content_type = ContentTypeOf(file.name);
  reply.body = std::string(file.bytes);
  reply.headers = {
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      // The files change with the binary: a browser revalidates rather than keep an old page.
      {"Cache-Control", "no-cache"},
  };
  return reply;
}

const EmbeddedFile* FindFile(std::span<const EmbeddedFile> files, std::string_view name) {
  auto it = std::find_if(files.begin(), files.end(), [&](const EmbeddedFile& file) { return file.name == name; });
  return it == files.end() ? nullptr : &*it;
}

}  // namespace

void AddDashboardRoutes(RouteTable& routes, std::span<const EmbeddedFile> files) {
  using enum Access;
  routes.Add({"GET", "/dashboard", "Dashboard", kPublic, [files](const RouteRequest&) -> absl::StatusOr<HttpReply> {
                const EmbeddedFile* page = FindFile(files, kDashboardPage);
                if (page == nullptr) return absl::InternalError("the dashboard's page was not built into this binary");
                return FileReply(*page);
              }});
  routes.Add({"GET", "/dashboard/{file}", "DashboardFile", kPublic,
              [files](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
                const std::string& name = request.path_params.at("file");
                // One address for the page: its relative links resolve against /dashboard.
                const EmbeddedFile* file = name == kDashboardPage ? nullptr : FindFile(files, name);
                if (file == nullptr) {
                  return absl::NotFoundError(
                      fmt::format("the dashboard has no file '{}'", common::EchoForMessage(name)));
                }
                return FileReply(*file);
              }});
}

}  // namespace vitrina::server::http
