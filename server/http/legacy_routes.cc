#include "server/http/legacy_routes.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "common/echo_for_message.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/http/api_routes.h"
#include "server/training_names.h"

namespace vitrina::server::http {
namespace {

absl::StatusOr<v1::Loss> ParseLoss(std::string_view name) {
  absl::StatusOr<v1::Loss> loss = LossFromName(name);
  if (!loss.ok()) {
    return absl::InvalidArgumentError(
        fmt::format("query parameter 'loss' must be warp, bpr, logistic or warp-kos, got '{}'",
                    common::EchoForMessage(name)));
  }
  return loss;
}

// ISO 8601 as Python's datetime.isoformat() writes it: date and time, then an offset, Z, or
// nothing, which means UTC.
absl::StatusOr<google::protobuf::Timestamp> ParseScheduledAt(const std::string& text) {
  std::string rfc3339 = text;
  size_t time_start = rfc3339.find_first_of("Tt ");
  if (time_start != std::string::npos) {
    rfc3339[time_start] = 'T';
    // An offset's '+' sent unescaped arrives as a space (form encoding).
    std::replace(rfc3339.begin() + time_start, rfc3339.end(), ' ', '+');
    if (rfc3339.find_first_of("Z+-", time_start) == std::string::npos) rfc3339 += 'Z';
  }
  google::protobuf::Timestamp at;
  if (!google::protobuf::util::TimeUtil::FromString(rfc3339, &at)) {
    return absl::InvalidArgumentError(fmt::format(
        "query parameter 'scheduled_at' must be an ISO 8601 time like 2026-11-23T03:00:00Z, got '{}'",
        common::EchoForMessage(text)));
  }
  return at;
}

// no_components, loss, epochs, item_alpha, user_alpha: an absent one keeps the configured default.
absl::StatusOr<v1::TrainingParams> TrainingParamsFromQuery(const QueryParams& query) {
  v1::TrainingParams params;
  ASSIGN_OR_RETURN(std::optional<int32_t> no_components, query.Int32("no_components"));
  if (no_components) params.set_no_components(*no_components);
  ASSIGN_OR_RETURN(std::optional<std::string> loss_name, query.String("loss"));
  if (loss_name) {
    ASSIGN_OR_RETURN(v1::Loss loss, ParseLoss(*loss_name));
    params.set_loss(loss);
  }
  ASSIGN_OR_RETURN(std::optional<int32_t> epochs, query.Int32("epochs"));
  if (epochs) params.set_epochs(*epochs);
  ASSIGN_OR_RETURN(std::optional<float> item_alpha, query.Float("item_alpha"));
  if (item_alpha) params.set_item_alpha(*item_alpha);
  ASSIGN_OR_RETURN(std::optional<float> user_alpha, query.Float("user_alpha"));
  if (user_alpha) params.set_user_alpha(*user_alpha);
  return params;
}

// The old service answered plain JSON numbers, not the proto mapping's int64 strings.
HttpReply IdReply(std::string_view key, int64_t id) { return JsonReply(fmt::format(R"({{"{}": {}}})", key, id)); }

RouteHandler RecordInteractionHandler(AdminCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::RecordInteractionRequest message;
    ASSIGN_OR_RETURN(int64_t user_id, request.query.RequiredInt64("user_id"));
    message.set_user_id(user_id);
    ASSIGN_OR_RETURN(int64_t title_id, request.query.RequiredInt64("title_id"));
    message.set_title_id(title_id);
    ASSIGN_OR_RETURN(std::string type, request.query.RequiredString("int_type"));
    message.set_type(type);
    ASSIGN_OR_RETURN(std::optional<double> raw_score, request.query.Double("raw_score"));
    if (raw_score) message.set_value(*raw_score);
    ASSIGN_OR_RETURN(v1::RecordInteractionResponse response, core.RecordInteraction(message));
    return MessageReply(response);
  };
}

// Trains and answers once the model exists, as the old service did.
RouteHandler TrainHandler(TrainingWaiter& trainings) {
  return [&trainings](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::TrainModelRequest message;
    ASSIGN_OR_RETURN(*message.mutable_params(), TrainingParamsFromQuery(request.query));
    message.set_wait(true);
    return trainings.Train(message, [](const v1::TrainModelResponse& response) -> absl::StatusOr<HttpReply> {
      return IdReply("model_id", response.model_id());
    });
  };
}

RouteHandler ScheduleTrainingHandler(AdminCore& core) {
  return [&core](const RouteRequest& request) -> absl::StatusOr<HttpReply> {
    v1::ScheduleTrainingRequest message;
    ASSIGN_OR_RETURN(std::string scheduled_at, request.query.RequiredString("scheduled_at"));
    ASSIGN_OR_RETURN(*message.mutable_at(), ParseScheduledAt(scheduled_at));
    ASSIGN_OR_RETURN(*message.mutable_params(), TrainingParamsFromQuery(request.query));
    ASSIGN_OR_RETURN(v1::Job job, core.ScheduleTraining(message));
    return IdReply("job_id", job.id());
  };
}

}  // namespace

void AddLegacyRoutes(RouteTable& routes, RecommenderCore& recommender, AdminCore& admin, TrainingWaiter& trainings) {
  using enum Access;
  // The old service changed state on GET: these routes do not answer HEAD.
  constexpr bool kChangesState = true;
  routes.Add({"GET", "/titles/relavant", "LegacyGetTitleRelevant", kPublic, GetTitleRelevantHandler(recommender)});
  routes.Add({"GET", "/rec/hot/interact", "LegacyRecordInteraction", kAdmin, RecordInteractionHandler(admin),
              kChangesState});
  routes.Add({"GET", "/admin/train", "LegacyTrainModel", kAdmin, TrainHandler(trainings), kChangesState});
  routes.Add({"GET", "/admin/schedule-training", "LegacyScheduleTraining", kAdmin, ScheduleTrainingHandler(admin),
              kChangesState});
}

}  // namespace vitrina::server::http
