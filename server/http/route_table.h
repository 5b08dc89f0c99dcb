#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/http/http_reply.h"
#include "server/http/query_params.h"

namespace vitrina::server::http {

// Path segments matched by a pattern's `{name}` segments, by name.
using PathParams = std::map<std::string, std::string, std::less<>>;

// What a route handler sees of a request.
struct RouteRequest {
  QueryParams query;
  const std::string& body;
  PathParams path_params;
};

using RouteHandler = std::function<absl::StatusOr<HttpReply>(const RouteRequest&)>;

enum class Access {
  kPublic,
  kAdmin,  // needs the admin token when one is configured
};

struct Route {
  std::string method;   // "GET", "POST", "DELETE"
  std::string pattern;  // "/admin/models/{id}/activate": a `{name}` segment matches any one segment
  std::string name;     // the `method` label of request metrics
  Access access = Access::kPublic;
  RouteHandler handler;
  // A GET that changes state (the old service's /admin/train): HEAD must not run it. Every other
  // GET route answers HEAD too (RFC 9110: the same answer without its body).
  bool changes_state = false;
};

// Method + path -> route. Tells "no such path" (404) from "path exists, other method" (405) so
// that the gateway can answer with the allowed methods. HEAD finds the GET route of a path
// unless that one changes state.
class RouteTable {
 public:
  void Add(Route route);

  struct Lookup {
    const Route* route = nullptr;  // null: no route for this method and path
    PathParams path_params;
    std::vector<std::string> allowed_methods;  // when route is null: the methods the path has
  };
  Lookup Find(std::string_view method, std::string_view path) const;

 private:
  struct Entry {
    Route route;
    std::vector<std::string> segments;
  };
  std::vector<Entry> entries_;
};

}  // namespace vitrina::server::http
