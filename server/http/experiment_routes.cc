#include "server/http/experiment_routes.h"

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/http/json_codec.h"

namespace vitrina::server::http {
namespace {

const std::string& PathName(const RouteRequest& request) { return request.path_params.find("name")->second; }

// A call whose request is the experiment name from the path.
template <class Request, class Response>
RouteHandler NameCall(AdminCore& core, absl::StatusOr<Response> (AdminCore::*call)(const Request&)) {
  return [&core, call](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    Request message;
    message.set_name(PathName(request));
    ASSIGN_OR_RETURN(Response response, (core.*call)(message));
    return MessageReply(response);
  };
}

RouteHandler CreateHandler(AdminCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    if (request.body.empty()) {
      return absl::InvalidArgumentError(
          R"(the request body must be a vitrina.v1.CreateExperimentRequest in JSON ({"experiment": {"name": ..., "arms": [...]}}))");
    }
    v1::CreateExperimentRequest message;
    RETURN_IF_ERROR(ParseJson(request.body, message));
    ASSIGN_OR_RETURN(v1::Experiment response, core.CreateExperiment(message));
    return MessageReply(response);
  };
}

RouteHandler ListHandler(AdminCore& core) {
  return [&core](const RouteRequest&) -> absl::StatusOr<HttpReply> {
    ASSIGN_OR_RETURN(v1::ListExperimentsResponse response, core.ListExperiments(v1::ListExperimentsRequest()));
    return MessageReply(response);
  };
}

}  // namespace

void AddExperimentRoutes(RouteTable& routes, AdminCore& admin) {
  using enum Access;
  routes.Add({"GET", "/admin/experiments", "ListExperiments", kAdmin, ListHandler(admin)});
  routes.Add({"POST", "/admin/experiments", "CreateExperiment", kAdmin, CreateHandler(admin)});
  routes.Add({"GET", "/admin/experiments/{name}", "GetExperiment", kAdmin, NameCall(admin, &AdminCore::GetExperiment)});
  routes.Add({"POST", "/admin/experiments/{name}/stop", "StopExperiment", kAdmin,
              NameCall(admin, &AdminCore::StopExperiment)});
  routes.Add({"GET", "/admin/experiments/{name}/report", "GetExperimentReport", kAdmin,
              NameCall(admin, &AdminCore::GetExperimentReport)});
}

}  // namespace vitrina::server::http
