#include "server/http/session_routes.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <map>
#include <vector>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/http/json_codec.h"

namespace vitrina::server::http {
namespace {

// The largest integer a JSON number (an IEEE double) holds exactly.
constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

struct Played {
  int64_t track = 0;
  double time = 0;
};

absl::StatusOr<const google::protobuf::Value*> Field(const google::protobuf::Struct& body, const std::string& name) {
  auto found = body.fields().find(name);
  if (found == body.fields().end()) {
    return absl::InvalidArgumentError(fmt::format("the body needs \"{}\" (e.g. {{\"track\": 42, \"time\": 0.8}})", name));
  }
  return &found->second;
}

// {"track": <integer>, "time": <number in 0..1>}; other keys are refused, so a misspelt one is
// reported instead of ignored.
absl::StatusOr<Played> ParsePlayed(const std::string& text) {
  google::protobuf::Struct body;
  if (text.empty() || !google::protobuf::util::JsonStringToMessage(text, &body).ok()) {
    return absl::InvalidArgumentError(R"(the body must be a JSON object like {"track": 42, "time": 0.8})");
  }
  for (const auto& [name, value] : body.fields()) {
    if (name != "track" && name != "time") {
      return absl::InvalidArgumentError(fmt::format("unknown field \"{}\" (the body holds \"track\" and \"time\")", name));
    }
  }
  Played played;
  ASSIGN_OR_RETURN(const google::protobuf::Value* track, Field(body, "track"));
  const double id = track->number_value();
  if (track->kind_case() != google::protobuf::Value::kNumberValue || std::trunc(id) != id ||
      std::fabs(id) > kMaxExactInteger) {
    return absl::InvalidArgumentError("\"track\" must be a JSON integer (a title id, not a string or a fraction)");
  }
  played.track = static_cast<int64_t>(id);
  ASSIGN_OR_RETURN(const google::protobuf::Value* time, Field(body, "time"));
  if (time->kind_case() != google::protobuf::Value::kNumberValue) {
    return absl::InvalidArgumentError("\"time\" must be a JSON number in [0, 1] (the share of the track played)");
  }
  played.time = time->number_value();
  if (!(played.time >= 0 && played.time <= 1)) {
    return absl::InvalidArgumentError(fmt::format("\"time\" must be in [0, 1] (the share of the track played), got {}", played.time));
  }
  return played;
}

RouteHandler NextHandler(RecommenderCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    ASSIGN_OR_RETURN(int64_t user, PathId(request, "user"));
    ASSIGN_OR_RETURN(Played played, ParsePlayed(request.body));
    v1::GetNextTitleRequest message;
    message.set_user_id(user);
    message.set_previous_title_id(played.track);
    message.set_consumed(played.time);
    ASSIGN_OR_RETURN(std::optional<std::string> policy, request.query.String("policy"));
    if (policy) message.set_policy(*policy);
    ASSIGN_OR_RETURN(v1::GetNextTitleResponse response, core.GetNextTitle(message));
    if (response.items().empty()) {
      // The policies' last resorts replay the session before giving up: nothing is left only when
      // no title is available and free of the blacklists.
      return absl::NotFoundError(fmt::format("no title can be played for user {}: none is available and not blacklisted", user));
    }
    if (response.experiments().empty()) {
      return JsonReply(fmt::format(R"({{"user": {}, "track": {}}})", user, response.items(0).title_id()));
    }
    // Which experiment arms served it, as {"NAME": "ARM"}; a std::map for a stable key order.
    const std::map<std::string, std::string> arms(response.experiments().begin(), response.experiments().end());
    std::vector<std::string> pairs;
    for (const auto& [experiment, arm] : arms) pairs.push_back(fmt::format("{}: {}", QuoteJson(experiment), QuoteJson(arm)));
    return JsonReply(fmt::format(R"({{"user": {}, "track": {}, "experiments": {{{}}}}})", user,
                                 response.items(0).title_id(), fmt::join(pairs, ", ")));
  };
}

RouteHandler LastHandler(RecommenderCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    ASSIGN_OR_RETURN(int64_t user, PathId(request, "user"));
    ASSIGN_OR_RETURN(Played played, ParsePlayed(request.body));
    v1::EndSessionRequest message;
    message.set_user_id(user);
    message.set_last_title_id(played.track);
    message.set_consumed(played.time);
    RETURN_IF_ERROR(core.EndSession(message).status());
    return JsonReply(fmt::format(R"({{"user": {}}})", user));
  };
}

}  // namespace

void AddSessionRoutes(RouteTable& routes, RecommenderCore& recommender) {
  routes.Add({"POST", "/next/{user}", "ClassicNext", Access::kPublic, NextHandler(recommender)});
  routes.Add({"POST", "/last/{user}", "ClassicLast", Access::kPublic, LastHandler(recommender)});
}

}  // namespace vitrina::server::http
