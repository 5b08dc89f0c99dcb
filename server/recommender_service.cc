#include "server/recommender_service.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/proto_conversion.h"
#include "server/training_params.h"

namespace vitrina::server {

absl::Status ValidateTrainingRequest(const v1::TrainingParams& params, v1::Activation activate,
                                     const ModelHolder& models, const TrainingLimits& limits) {
  if (absl::Status valid = ValidateTrainingParams(params, limits); !valid.ok()) return valid;
  if (!v1::Activation_IsValid(activate)) return absl::InvalidArgumentError("activate must be NEVER, ALWAYS or IF_BETTER");
  if (params.kind() == v1::SEARCH) {
    return absl::InvalidArgumentError("params.kind SEARCH is not a training: Admin.StartSearch queues a search");
  }
  if (params.kind() == v1::INCREMENTAL && models.Current() == nullptr) {
    return absl::FailedPreconditionError("params.kind INCREMENTAL needs an active model to continue");
  }
  return absl::OkStatus();
}

registry::JobSpec TrainingJobSpec(const v1::TrainingParams& params, v1::Activation activate,
                                  registry::JobTrigger trigger, registry::UnixSeconds scheduled_at) {
  registry::JobSpec spec;
  spec.kind = FromProto(params.kind());
  spec.trigger = trigger;
  spec.params_json = ToJson(params);
  spec.activate = FromProto(activate);
  spec.scheduled_at = scheduled_at;
  return spec;
}

void RecommenderService::TrainModel(const v1::TrainModelRequest& request, TrainDone done) {
  if (jobs_ == nullptr) {
    done(absl::FailedPreconditionError("this instance does not train (jobs.enabled is false)"));
    return;
  }
  if (absl::Status valid = ValidateTrainingRequest(request.params(), request.activate(), models_, limits_); !valid.ok()) {
    done(valid);
    return;
  }
  registry::JobSpec spec =
      TrainingJobSpec(request.params(), request.activate(), registry::JobTrigger::kApi, registry::UnixNow());

  JobManager::Finished on_finished;
  if (request.wait()) {
    on_finished = [done](absl::StatusOr<registry::JobRecord> job) {
      if (!job.ok()) return done(job.status());
      switch (job->status) {
        case registry::JobStatus::kSucceeded: {
          v1::TrainModelResponse response;
          response.set_job_id(job->id);
          response.set_model_id(job->model_id.value_or(0));
          (void)FromJson(job->metrics_json, response.mutable_metrics());
          response.set_activated(job->activated);
          return done(response);
        }
        case registry::JobStatus::kCancelled:
          return done(absl::CancelledError(fmt::format("job {} was cancelled", job->id)));
        default:
          return done(absl::AbortedError(fmt::format("job {} failed: {}", job->id, job->error)));
      }
    };
  }
  absl::StatusOr<registry::JobRecord> job = jobs_->Submit(spec, std::move(on_finished));
  if (!job.ok()) return done(job.status());
  if (!request.wait()) {
    v1::TrainModelResponse response;
    response.set_job_id(job->id);
    done(response);
  }
}

}  // namespace vitrina::server

namespace vitrina::server {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MicrosSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

template <class Response>
void NameArms(const CallArms& arms, Response& response) {
  for (const v1::ArmAssignment& assignment : arms.assignments) {
    (*response.mutable_experiments())[assignment.experiment()] = assignment.arm();
  }
}

v1::Exposure RecommendationsExposure(std::string_view route, int64_t user_id,
                                     const v1::RecommendationsResponse& response) {
  v1::Exposure exposure;
  exposure.set_route(std::string(route));
  exposure.set_user_id(user_id);
  exposure.set_branch(v1::Source_Name(response.source()));
  exposure.set_model_id(response.model_id());
  for (int i = 0; i < response.items_size(); ++i) {
    v1::ShownTitle* shown = exposure.add_titles();
    shown->set_title_id(response.items(i).title_id());
    shown->set_position(i);
    if (response.items(i).has_pick_probability()) shown->set_pick_probability(response.items(i).pick_probability());
  }
  return exposure;
}

// A random pick's generator: draws must not repeat across calls and threads.
uint64_t RandomBelow(uint64_t bound) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_int_distribution<uint64_t>(0, bound - 1)(generator);
}

}  // namespace

absl::StatusOr<v1::RecommendationsResponse> RecommenderService::Explore(
    const v1::GetUserRecommendationsRequest& request, const CallArms& arms) const {
  const AnswerLimits& limits = engine_.limits();
  const int k = request.k() == 0 ? limits.default_k : request.k();
  if (k < 1 || k > limits.max_k) return engine_.RecommendForUser(request, arms.model);  // its error
  v1::GetUserRecommendationsRequest longer = request;
  longer.set_k(std::min(k + kExplorationPool, limits.max_k));
  ASSIGN_OR_RETURN(v1::RecommendationsResponse response, engine_.RecommendForUser(longer, arms.model));
  // The first k - 1 titles as ranked; the last slot is one of the rest, drawn uniformly.
  const int pool = response.items_size() - (k - 1);
  if (pool >= 1) {
    const int pick = k - 1 + static_cast<int>(RandomBelow(static_cast<uint64_t>(pool)));
    response.mutable_items()->SwapElements(k - 1, pick);
    response.mutable_items(k - 1)->set_pick_probability(1.0 / pool);
    response.mutable_items()->DeleteSubrange(k, response.items_size() - k);
  }
  return response;
}

absl::StatusOr<v1::RecommendationsResponse> RecommenderService::GetUserRecommendations(
    const v1::GetUserRecommendationsRequest& request) {
  const auto start = Clock::now();
  const CallArms arms = experiments_.Route(request.user_id());
  ASSIGN_OR_RETURN(v1::RecommendationsResponse response,
                   arms.explore ? Explore(request, arms) : engine_.RecommendForUser(request, arms.model));
  NameArms(arms, response);
  v1::Exposure exposure = RecommendationsExposure("GetUserRecommendations", request.user_id(), response);
  exposure.set_request_id(exposures_.NextRequestId());
  exposure.set_latency_micros(MicrosSince(start));
  exposures_.Answer(std::move(exposure), arms);
  return response;
}

absl::StatusOr<v1::RecommendationsResponse> RecommenderService::GetTitleRelevant(
    const v1::GetTitleRelevantRequest& request) {
  const auto start = Clock::now();
  if (!request.has_user_id()) return engine_.SimilarTitles(request);  // nobody to assign or log
  if (request.user_id() < 0) return absl::InvalidArgumentError("user_id must be a catalog id (>= 0)");
  const CallArms arms = experiments_.Route(request.user_id());
  ASSIGN_OR_RETURN(v1::RecommendationsResponse response, engine_.SimilarTitles(request, arms.model));
  NameArms(arms, response);
  v1::Exposure exposure = RecommendationsExposure("GetTitleRelevant", request.user_id(), response);
  exposure.set_request_id(exposures_.NextRequestId());
  exposure.set_latency_micros(MicrosSince(start));
  exposures_.Answer(std::move(exposure), arms);
  return response;
}

absl::StatusOr<v1::GetNextTitleResponse> RecommenderService::GetNextTitle(const v1::GetNextTitleRequest& request) {
  const auto start = Clock::now();
  const CallArms arms = experiments_.Route(request.user_id());
  absl::StatusOr<v1::GetNextTitleResponse> answered;
  if (arms.policy.empty() || arms.policy == request.policy()) {
    answered = sessions_.GetNextTitle(request, arms.model);
  } else {
    v1::GetNextTitleRequest arm_request = request;  // the arm's policy is the experiment's point
    arm_request.set_policy(arms.policy);
    answered = sessions_.GetNextTitle(arm_request, arms.model);
  }
  if (!answered.ok()) return answered.status();
  v1::GetNextTitleResponse& response = *answered;
  NameArms(arms, response);
  if (request.has_previous_title_id() && request.has_consumed()) {
    exposures_.Outcome(v1::Outcome::NEXT_CALL, request.user_id(), request.session_id(), request.previous_title_id(),
                       request.consumed());
  }
  v1::Exposure exposure;
  exposure.set_request_id(exposures_.NextRequestId());
  exposure.set_route("GetNextTitle");
  exposure.set_user_id(request.user_id());
  exposure.set_session_id(request.session_id());
  exposure.set_session_started_unix_micros(response.session_started_unix_micros());
  exposure.set_policy(response.policy());
  exposure.set_branch(response.branch());
  exposure.set_model_id(response.model_id());
  for (int i = 0; i < response.items_size(); ++i) {
    v1::ShownTitle* shown = exposure.add_titles();
    shown->set_title_id(response.items(i).title_id());
    shown->set_position(i);
    // A probability below 1 is a random pick's (exploration draw times pick).
    if (response.items(i).probability() < 1) shown->set_pick_probability(response.items(i).probability());
  }
  exposure.set_latency_micros(MicrosSince(start));
  exposures_.Answer(std::move(exposure), arms);
  return response;
}

absl::StatusOr<v1::EndSessionResponse> RecommenderService::EndSession(const v1::EndSessionRequest& request) {
  ASSIGN_OR_RETURN(v1::EndSessionResponse response, sessions_.EndSession(request));
  if (request.has_last_title_id()) {
    exposures_.Outcome(v1::Outcome::END_SESSION, request.user_id(), request.session_id(), request.last_title_id(),
                       request.consumed());
  }
  return response;
}

}  // namespace vitrina::server
