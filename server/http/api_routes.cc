#include "server/http/api_routes.h"

#include <google/protobuf/util/time_util.h>

#include "common/echo_for_message.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/http/json_codec.h"

namespace vitrina::server::http {
namespace {

enum class Body { kRequired, kOptional };

template <class Request>
absl::StatusOr<Request> ParseBody(const std::string& body, Body presence) {
  Request message;
  if (body.empty()) {
    if (presence == Body::kRequired) {
      return absl::InvalidArgumentError(
          fmt::format("the request body must be a {} in JSON", Request::descriptor()->full_name()));
    }
    return message;
  }
  RETURN_IF_ERROR(ParseJson(body, message));
  return message;
}

template <class Request, class Response>
using AdminCall = absl::StatusOr<Response> (AdminCore::*)(const Request&);

// An admin call whose request is the JSON body.
template <class Request, class Response>
RouteHandler BodyCall(AdminCore& core, AdminCall<Request, Response> call, Body presence) {
  return [&core, call, presence](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    ASSIGN_OR_RETURN(Request message, ParseBody<Request>(request.body, presence));
    ASSIGN_OR_RETURN(Response response, (core.*call)(message));
    return MessageReply(response);
  };
}

// An admin call whose request is one id taken from the path.
template <class Request, class Response>
RouteHandler PathIdCall(AdminCore& core, AdminCall<Request, Response> call, std::string name,
                        void (Request::*set_id)(int64_t)) {
  return [&core, call, name, set_id](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    ASSIGN_OR_RETURN(int64_t id, PathId(request, name));
    Request message;
    (message.*set_id)(id);
    ASSIGN_OR_RETURN(Response response, (core.*call)(message));
    return MessageReply(response);
  };
}

// The TitleFilter's lists as query parameters of the same names: genres_any=drama,comedy&...
void ReadTitleFilter(const QueryParams& query, v1::TitleFilter& filter) {
  for (std::string& name : query.StringList("genres_any")) filter.add_genres_any(std::move(name));
  for (std::string& name : query.StringList("genres_none")) filter.add_genres_none(std::move(name));
  for (std::string& name : query.StringList("creators_any")) filter.add_creators_any(std::move(name));
  for (std::string& name : query.StringList("creators_none")) filter.add_creators_none(std::move(name));
}

RouteHandler GetUserRecommendationsHandler(RecommenderCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::GetUserRecommendationsRequest message;
    ASSIGN_OR_RETURN(int64_t user_id, request.query.RequiredInt64("user_id"));
    message.set_user_id(user_id);
    ASSIGN_OR_RETURN(std::optional<int32_t> k, request.query.Int32("k"));
    if (k) message.set_k(*k);
    ASSIGN_OR_RETURN(std::optional<bool> exclude_seen, request.query.Bool("exclude_seen"));
    if (exclude_seen) message.set_exclude_seen(*exclude_seen);
    ASSIGN_OR_RETURN(std::vector<int64_t> excluded, request.query.Int64List("exclude_title_ids"));
    message.mutable_exclude_title_ids()->Add(excluded.begin(), excluded.end());
    ReadTitleFilter(request.query, *message.mutable_filter());
    ASSIGN_OR_RETURN(v1::RecommendationsResponse response, core.GetUserRecommendations(message));
    return MessageReply(response);
  };
}

template <class Request, class Response>
using RecommenderCall = absl::StatusOr<Response> (RecommenderCore::*)(const Request&);

// A Recommender call whose request is the JSON body.
template <class Request, class Response>
RouteHandler RecommenderBodyCall(RecommenderCore& core, RecommenderCall<Request, Response> call) {
  return [&core, call](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    ASSIGN_OR_RETURN(Request message, ParseBody<Request>(request.body, Body::kRequired));
    ASSIGN_OR_RETURN(Response response, (core.*call)(message));
    return MessageReply(response);
  };
}

RouteHandler TrainModelHandler(TrainingWaiter& trainings) {
  return [&trainings](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    ASSIGN_OR_RETURN(v1::TrainModelRequest message, ParseBody<v1::TrainModelRequest>(request.body, Body::kOptional));
    return trainings.Train(message, [](const v1::TrainModelResponse& response) { return MessageReply(response); });
  };
}

RouteHandler ListModelsHandler(AdminCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::ListModelsRequest message;
    ASSIGN_OR_RETURN(std::optional<int32_t> limit, request.query.Int32("limit"));
    if (limit) message.set_limit(*limit);
    ASSIGN_OR_RETURN(v1::ListModelsResponse response, core.ListModels(message));
    return MessageReply(response);
  };
}

RouteHandler ListJobsHandler(AdminCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::ListJobsRequest message;
    ASSIGN_OR_RETURN(std::optional<int32_t> limit, request.query.Int32("limit"));
    if (limit) message.set_limit(*limit);
    ASSIGN_OR_RETURN(std::optional<std::string> status, request.query.String("status"));
    if (status) {
      v1::JobStatus value;
      if (!v1::JobStatus_Parse(*status, &value)) {
        return absl::InvalidArgumentError(fmt::format(
            "query parameter 'status' must be QUEUED, RUNNING, SUCCEEDED, FAILED or CANCELLED, got '{}'",
            common::EchoForMessage(*status)));
      }
      message.set_status(value);
    }
    ASSIGN_OR_RETURN(v1::ListJobsResponse response, core.ListJobs(message));
    return MessageReply(response);
  };
}

RouteHandler ListBlacklistHandler(AdminCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::ListBlacklistRequest message;
    ASSIGN_OR_RETURN(std::optional<int64_t> user_id, request.query.Int64("user_id"));
    if (user_id) message.set_user_id(*user_id);
    ASSIGN_OR_RETURN(v1::ListBlacklistResponse response, core.ListBlacklist(message));
    return MessageReply(response);
  };
}

// An RFC 3339 time, e.g. 2026-11-23T03:00:00Z (an offset's '+' must be sent as %2B).
absl::StatusOr<std::optional<google::protobuf::Timestamp>> TimeParam(const QueryParams& query, std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<std::string> text, query.String(name));
  if (!text) return std::nullopt;
  google::protobuf::Timestamp time;
  if (!google::protobuf::util::TimeUtil::FromString(*text, &time)) {
    return absl::InvalidArgumentError(
        fmt::format("query parameter '{}' must be an RFC 3339 time like 2026-11-23T03:00:00Z, got '{}'", name, *text));
  }
  return time;
}

RouteHandler DeleteInteractionsHandler(AdminCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::DeleteInteractionsRequest message;
    ASSIGN_OR_RETURN(std::optional<int64_t> user_id, request.query.Int64("user_id"));
    if (user_id) message.set_user_id(*user_id);
    ASSIGN_OR_RETURN(std::optional<int64_t> title_id, request.query.Int64("title_id"));
    if (title_id) message.set_title_id(*title_id);
    ASSIGN_OR_RETURN(std::optional<google::protobuf::Timestamp> since, TimeParam(request.query, "since"));
    if (since) *message.mutable_since() = *since;
    ASSIGN_OR_RETURN(std::optional<google::protobuf::Timestamp> until, TimeParam(request.query, "until"));
    if (until) *message.mutable_until() = *until;
    ASSIGN_OR_RETURN(std::optional<bool> all, request.query.Bool("all"));
    if (all) message.set_all(*all);
    ASSIGN_OR_RETURN(v1::DeleteInteractionsResponse response, core.DeleteInteractions(message));
    return MessageReply(response);
  };
}

}  // namespace

RouteHandler GetTitleRelevantHandler(RecommenderCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::GetTitleRelevantRequest message;
    ASSIGN_OR_RETURN(int64_t title_id, request.query.RequiredInt64("title_id"));
    message.set_title_id(title_id);
    ASSIGN_OR_RETURN(std::optional<int32_t> k, request.query.Int32("k"));
    if (k) message.set_k(*k);
    ASSIGN_OR_RETURN(std::vector<int64_t> excluded, request.query.Int64List("exclude_title_ids"));
    message.mutable_exclude_title_ids()->Add(excluded.begin(), excluded.end());
    ReadTitleFilter(request.query, *message.mutable_filter());
    ASSIGN_OR_RETURN(v1::RecommendationsResponse response, core.GetTitleRelevant(message));
    return MessageReply(response);
  };
}

void AddApiRoutes(RouteTable& routes, RecommenderCore& recommender, AdminCore& admin, TrainingWaiter& trainings) {
  using enum Access;
  routes.Add({"GET", "/titles/recommendations", "GetUserRecommendations", kPublic,
              GetUserRecommendationsHandler(recommender)});
  routes.Add({"GET", "/titles/relevant", "GetTitleRelevant", kPublic, GetTitleRelevantHandler(recommender)});
  routes.Add({"POST", "/titles/next", "GetNextTitle", kPublic,
              RecommenderBodyCall(recommender, &RecommenderCore::GetNextTitle)});
  routes.Add({"POST", "/sessions/end", "EndSession", kPublic,
              RecommenderBodyCall(recommender, &RecommenderCore::EndSession)});
  routes.Add({"POST", "/interactions", "RecordInteraction", kAdmin,
              BodyCall(admin, &AdminCore::RecordInteraction, Body::kRequired)});
  routes.Add({"DELETE", "/admin/interactions", "DeleteInteractions", kAdmin, DeleteInteractionsHandler(admin)});

  routes.Add({"POST", "/admin/train", "TrainModel", kAdmin, TrainModelHandler(trainings)});
  routes.Add({"GET", "/admin/models", "ListModels", kAdmin, ListModelsHandler(admin)});
  routes.Add({"GET", "/admin/models/{model_id}", "GetModel", kAdmin,
              PathIdCall(admin, &AdminCore::GetModel, "model_id", &v1::GetModelRequest::set_model_id)});
  routes.Add({"POST", "/admin/models/{model_id}/activate", "ActivateModel", kAdmin,
              PathIdCall(admin, &AdminCore::ActivateModel, "model_id", &v1::ActivateModelRequest::set_model_id)});
  routes.Add({"DELETE", "/admin/models/{model_id}", "DeleteModel", kAdmin,
              PathIdCall(admin, &AdminCore::DeleteModel, "model_id", &v1::DeleteModelRequest::set_model_id)});

  routes.Add({"GET", "/admin/jobs", "ListJobs", kAdmin, ListJobsHandler(admin)});
  routes.Add({"GET", "/admin/jobs/{job_id}", "GetJob", kAdmin,
              PathIdCall(admin, &AdminCore::GetJob, "job_id", &v1::GetJobRequest::set_job_id)});
  routes.Add({"POST", "/admin/jobs/{job_id}/cancel", "CancelJob", kAdmin,
              PathIdCall(admin, &AdminCore::CancelJob, "job_id", &v1::CancelJobRequest::set_job_id)});
  routes.Add({"POST", "/admin/schedule", "ScheduleTraining", kAdmin,
              BodyCall(admin, &AdminCore::ScheduleTraining, Body::kRequired)});

  routes.Add({"POST", "/admin/cache/invalidate", "InvalidateCache", kAdmin,
              BodyCall(admin, &AdminCore::InvalidateCache, Body::kOptional)});
  routes.Add({"GET", "/admin/blacklist", "ListBlacklist", kAdmin, ListBlacklistHandler(admin)});
  routes.Add({"POST", "/admin/blacklist", "AddToBlacklist", kAdmin,
              BodyCall(admin, &AdminCore::AddToBlacklist, Body::kRequired)});
  routes.Add({"DELETE", "/admin/blacklist", "RemoveFromBlacklist", kAdmin,
              BodyCall(admin, &AdminCore::RemoveFromBlacklist, Body::kRequired)});
}

}  // namespace vitrina::server::http
