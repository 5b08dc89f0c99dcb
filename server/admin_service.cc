#include "server/admin_service.h"

#include <google/protobuf/util/time_util.h>

#include <cmath>

#include "common/echo_for_message.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/experiment_report.h"
#include "server/proto_conversion.h"
#include "server/recommender_service.h"
#include "server/search_job.h"

namespace vitrina::server {
namespace {

absl::StatusOr<int> ValidLimit(int32_t limit) {
  if (limit == 0) return 100;
  if (limit < 0 || limit > 1000) return absl::InvalidArgumentError(fmt::format("limit must be in 1..1000, got {}", limit));
  return limit;
}

absl::Status PositiveId(std::string_view field, int64_t id) {
  if (id > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format("{} must be a positive id, got {}", field, id));
}

// Users and titles are the catalog's own ids, and catalogs may start them at 0.
absl::Status CatalogId(std::string_view field, int64_t id) {
  if (id >= 0) return absl::OkStatus();
  return absl::InvalidArgumentError(fmt::format("{} must be a catalog id (>= 0), got {}", field, id));
}

// How far ahead a training may be scheduled: further is a typo in the year, not a plan (ten
// years, leap days included).
constexpr registry::UnixSeconds kMaxScheduleAheadSeconds = registry::UnixSeconds{3653} * 86'400;

std::string Rfc3339(registry::UnixSeconds seconds) {
  return google::protobuf::util::TimeUtil::ToString(ToTimestamp(seconds));
}

// When a scheduled training may start: after 1970 (the registry's unix times) and at most
// kMaxScheduleAheadSeconds after now.
absl::StatusOr<registry::UnixSeconds> ScheduleTime(const v1::ScheduleTrainingRequest& request) {
  if (!request.has_at()) {
    return absl::InvalidArgumentError("at is required: when to train, RFC 3339 (e.g. \"2026-11-23T03:00:00Z\")");
  }
  ASSIGN_OR_RETURN(registry::UnixSeconds at, FromTimestamp("at", request.at()));
  if (at <= 0) {
    return absl::InvalidArgumentError(fmt::format("at must be after 1970-01-01T00:00:00Z, got {}", Rfc3339(at)));
  }
  const registry::UnixSeconds latest = registry::UnixNow() + kMaxScheduleAheadSeconds;
  if (at > latest) {
    return absl::InvalidArgumentError(
        fmt::format("at must be at most 10 years ahead (until {}), got {}", Rfc3339(latest), Rfc3339(at)));
  }
  return at;
}

// When a recorded interaction happened: now when unset; otherwise after 1970 and at most
// `max_future_skew_seconds` after now. A later one would become the next model's watermark.
absl::StatusOr<registry::UnixSeconds> InteractionTime(const v1::RecordInteractionRequest& request,
                                                      int max_future_skew_seconds) {
  const registry::UnixSeconds now = registry::UnixNow();
  if (!request.has_at()) return now;
  ASSIGN_OR_RETURN(registry::UnixSeconds at, FromTimestamp("at", request.at()));
  if (at < 0) {
    return absl::InvalidArgumentError(fmt::format("at must not be before 1970-01-01T00:00:00Z, got {}", Rfc3339(at)));
  }
  if (at > now + max_future_skew_seconds) {
    return absl::InvalidArgumentError(fmt::format(
        "at {} is {} s ahead of the server's clock ({}); at most interactions.max_future_skew_seconds ({}) is "
        "accepted",
        Rfc3339(at), at - now, Rfc3339(now), max_future_skew_seconds));
  }
  return at;
}

std::optional<int64_t> OptionalUser(const v1::BlacklistRequest& request) {
  return request.has_user_id() ? std::optional<int64_t>(request.user_id()) : std::nullopt;
}

}  // namespace

absl::StatusOr<JobManager*> AdminService::Jobs() const {
  if (p_.jobs == nullptr) return absl::FailedPreconditionError("this instance does not train (jobs.enabled is false)");
  return p_.jobs;
}

absl::StatusOr<v1::ListModelsResponse> AdminService::ListModels(const v1::ListModelsRequest& request) {
  ASSIGN_OR_RETURN(int limit, ValidLimit(request.limit()));
  ASSIGN_OR_RETURN(std::vector<registry::ModelRecord> records, p_.registry.List(limit));
  v1::ListModelsResponse response;
  for (const registry::ModelRecord& record : records) *response.add_models() = ToProto(record);
  if (std::shared_ptr<const ServedModel> served = p_.holder.Current()) response.set_active_model_id(served->model_id);
  ASSIGN_OR_RETURN(std::optional<registry::ModelRecord> next_title, p_.registry.Active(registry::ModelRole::kNextTitle));
  if (next_title) response.set_active_next_title_model_id(next_title->id);
  return response;
}

absl::StatusOr<v1::Model> AdminService::GetModel(const v1::GetModelRequest& request) {
  RETURN_IF_ERROR(PositiveId("model_id", request.model_id()));
  ASSIGN_OR_RETURN(registry::ModelRecord record, p_.registry.Get(request.model_id()));
  // As ListModels leaves deleted models out, GetModel does not answer them as if they still were.
  if (record.status == registry::ModelStatus::kDeleted) return registry::DeletedModelError(record.id, record.deleted_at);
  return ToProto(record);
}

absl::StatusOr<v1::ActivateModelResponse> AdminService::ActivateModel(const v1::ActivateModelRequest& request) {
  RETURN_IF_ERROR(PositiveId("model_id", request.model_id()));
  ASSIGN_OR_RETURN(int64_t previous, p_.models.Activate(request.model_id()));
  ASSIGN_OR_RETURN(registry::ModelRecord record, p_.registry.Get(request.model_id()));
  v1::ActivateModelResponse response;
  *response.mutable_model() = ToProto(record);
  response.set_previous_model_id(previous);
  return response;
}

absl::StatusOr<v1::DeleteModelResponse> AdminService::DeleteModel(const v1::DeleteModelRequest& request) {
  RETURN_IF_ERROR(PositiveId("model_id", request.model_id()));
  RETURN_IF_ERROR(p_.models.Delete(request.model_id()));
  return v1::DeleteModelResponse();
}

absl::StatusOr<v1::ListJobsResponse> AdminService::ListJobs(const v1::ListJobsRequest& request) {
  ASSIGN_OR_RETURN(int limit, ValidLimit(request.limit()));
  std::optional<registry::JobStatus> status;
  if (request.status() != v1::JOB_STATUS_UNSPECIFIED) {
    status = FromProto(request.status());
    if (!status) return absl::InvalidArgumentError("status is not a job status");
  }
  ASSIGN_OR_RETURN(std::vector<registry::JobRecord> records, p_.job_store.List(limit, status));
  v1::ListJobsResponse response;
  for (const registry::JobRecord& record : records) *response.add_jobs() = ToProto(record);
  return response;
}

absl::StatusOr<v1::Job> AdminService::GetJob(const v1::GetJobRequest& request) {
  RETURN_IF_ERROR(PositiveId("job_id", request.job_id()));
  ASSIGN_OR_RETURN(registry::JobRecord record, p_.job_store.Get(request.job_id()));
  v1::Job job = ToProto(record);
  if (record.spec.kind == registry::JobKind::kSearch) {
    ASSIGN_OR_RETURN(std::vector<registry::SearchTrialRecord> trials, p_.search_trials.List(record.id));
    for (const registry::SearchTrialRecord& trial : trials) *job.add_trials() = ToProto(trial);
  }
  return job;
}

absl::StatusOr<v1::Job> AdminService::ScheduleTraining(const v1::ScheduleTrainingRequest& request) {
  ASSIGN_OR_RETURN(JobManager * jobs, Jobs());
  ASSIGN_OR_RETURN(registry::UnixSeconds at, ScheduleTime(request));
  RETURN_IF_ERROR(ValidateTrainingRequest(request.params(), request.activate(), p_.holder, p_.training.limits));
  ASSIGN_OR_RETURN(registry::JobRecord job, jobs->Submit(TrainingJobSpec(request.params(), request.activate(),
                                                                         registry::JobTrigger::kSchedule, at)));
  return ToProto(job);
}

absl::StatusOr<v1::Job> AdminService::StartSearch(const v1::StartSearchRequest& request) {
  ASSIGN_OR_RETURN(JobManager * jobs, Jobs());
  // Checked now, so that a bad request fails the call rather than the job.
  RETURN_IF_ERROR(SearchOptionsFromRequest(request, p_.training.defaults, p_.training.limits, p_.training.eval_k).status());
  if (!v1::Activation_IsValid(request.activate())) {
    return absl::InvalidArgumentError("activate must be NEVER, ALWAYS or IF_BETTER");
  }
  registry::JobSpec spec;
  spec.kind = registry::JobKind::kSearch;
  spec.trigger = registry::JobTrigger::kApi;
  spec.params_json = ToJson(request);
  spec.activate = FromProto(request.activate());
  spec.scheduled_at = registry::UnixNow();
  ASSIGN_OR_RETURN(registry::JobRecord job, jobs->Submit(spec));
  return ToProto(job);
}

absl::StatusOr<v1::ListTrialsResponse> AdminService::ListTrials(const v1::ListTrialsRequest& request) {
  RETURN_IF_ERROR(PositiveId("job_id", request.job_id()));
  ASSIGN_OR_RETURN(registry::JobRecord record, p_.job_store.Get(request.job_id()));
  if (record.spec.kind != registry::JobKind::kSearch) {
    return absl::FailedPreconditionError(fmt::format("job {} is not a search (StartSearch makes those)", record.id));
  }
  ASSIGN_OR_RETURN(std::vector<registry::SearchTrialRecord> trials, p_.search_trials.List(record.id));
  v1::ListTrialsResponse response;
  for (const registry::SearchTrialRecord& trial : trials) *response.add_trials() = ToProto(trial);
  v1::StartSearchRequest search;
  (void)FromJson(record.spec.params_json, &search);
  response.set_metric(search.metric().empty() ? "precision@k" : search.metric());
  return response;
}

absl::StatusOr<v1::Job> AdminService::CancelJob(const v1::CancelJobRequest& request) {
  RETURN_IF_ERROR(PositiveId("job_id", request.job_id()));
  ASSIGN_OR_RETURN(JobManager * jobs, Jobs());
  ASSIGN_OR_RETURN(registry::JobRecord job, jobs->Cancel(request.job_id()));
  return ToProto(job);
}

absl::StatusOr<v1::InvalidateCacheResponse> AdminService::InvalidateCache(const v1::InvalidateCacheRequest& request) {
  v1::InvalidateCacheResponse response;
  if (request.has_user_id()) {
    RETURN_IF_ERROR(CatalogId("user_id", request.user_id()));
    p_.cache.InvalidateUser(request.user_id());
    response.set_scope(fmt::format("user {}", request.user_id()));
  } else {
    p_.cache.InvalidateAll();
    response.set_scope("all");
  }
  return response;
}

absl::StatusOr<v1::BlacklistResponse> AdminService::AddToBlacklist(const v1::BlacklistRequest& request) {
  // Cached answers are filtered on every read, so an addition needs no invalidation.
  ASSIGN_OR_RETURN(int changed, p_.blacklist.Add(OptionalUser(request),
                                                 absl::MakeConstSpan(request.title_ids().data(), request.title_ids().size()),
                                                 request.reason()));
  v1::BlacklistResponse response;
  response.set_changed(changed);
  return response;
}

absl::StatusOr<v1::BlacklistResponse> AdminService::RemoveFromBlacklist(const v1::BlacklistRequest& request) {
  std::optional<int64_t> user = OptionalUser(request);
  ASSIGN_OR_RETURN(int changed, p_.blacklist.Remove(user, absl::MakeConstSpan(request.title_ids().data(),
                                                                              request.title_ids().size())));
  // Cached answers were computed without the titles: drop them so the titles can come back.
  if (changed > 0) {
    if (user) {
      p_.cache.InvalidateUser(*user);
    } else {
      p_.cache.InvalidateAll();
    }
  }
  v1::BlacklistResponse response;
  response.set_changed(changed);
  return response;
}

absl::StatusOr<v1::ListBlacklistResponse> AdminService::ListBlacklist(const v1::ListBlacklistRequest& request) {
  std::optional<int64_t> user = request.has_user_id() ? std::optional<int64_t>(request.user_id()) : std::nullopt;
  ASSIGN_OR_RETURN(std::vector<blacklist::BlacklistEntry> entries, p_.blacklist.List(user));
  v1::ListBlacklistResponse response;
  for (const blacklist::BlacklistEntry& entry : entries) {
    v1::BlacklistEntry* out = response.add_entries();
    out->set_title_id(entry.title_id);
    if (entry.user_id) out->set_user_id(*entry.user_id);
    out->set_reason(entry.reason);
    *out->mutable_created_at() = ToTimestamp(entry.created_at);
  }
  return response;
}

absl::StatusOr<v1::RecordInteractionResponse> AdminService::RecordInteraction(
    const v1::RecordInteractionRequest& request) {
  RETURN_IF_ERROR(CatalogId("user_id", request.user_id()));
  RETURN_IF_ERROR(CatalogId("title_id", request.title_id()));
  if (request.type().empty()) return absl::InvalidArgumentError("type is required (e.g. \"rating\", \"view\")");
  const auto& rules = p_.preparation.interaction_rules;
  if (!rules.empty() && !rules.contains(request.type())) {
    std::string known;
    for (const auto& [name, rule] : rules) known += (known.empty() ? "" : ", ") + name;
    return absl::InvalidArgumentError(
        fmt::format("type '{}' is not configured (known: {})", common::EchoForMessage(request.type()), known));
  }
  if (!std::isfinite(request.value())) return absl::InvalidArgumentError("value must be a finite number");
  registry::HotInteraction interaction;
  interaction.user_id = request.user_id();
  interaction.title_id = request.title_id();
  interaction.type = request.type();
  interaction.value = request.value();
  ASSIGN_OR_RETURN(interaction.timestamp, InteractionTime(request, p_.max_future_skew_seconds));
  RETURN_IF_ERROR(p_.hot_interactions.Append(interaction));
  p_.recent.Add(interaction.user_id, interaction.title_id, interaction.timestamp);
  // The vector moves before the cached answers go, so no answer computed after the drop misses it.
  if (p_.realtime != nullptr) p_.realtime->Record(interaction.user_id, interaction.title_id, interaction.type, interaction.value);
  p_.cache.InvalidateUser(interaction.user_id);
  // For the experiments' analysis a recorded interaction means the title was consumed.
  p_.exposures.Outcome(v1::Outcome::INTERACTION, interaction.user_id, "", interaction.title_id, 1.0,
                       interaction.type);
  return v1::RecordInteractionResponse();
}

absl::StatusOr<v1::DeleteInteractionsResponse> AdminService::DeleteInteractions(
    const v1::DeleteInteractionsRequest& request) {
  registry::HotInteractionFilter filter;
  if (request.has_user_id()) {
    RETURN_IF_ERROR(CatalogId("user_id", request.user_id()));
    filter.user_id = request.user_id();
  }
  if (request.has_title_id()) {
    RETURN_IF_ERROR(CatalogId("title_id", request.title_id()));
    filter.title_id = request.title_id();
  }
  if (request.has_since()) {
    ASSIGN_OR_RETURN(filter.since, FromTimestamp("since", request.since()));
  }
  if (request.has_until()) {
    ASSIGN_OR_RETURN(filter.until, FromTimestamp("until", request.until()));
  }
  filter.all = request.all();
  ASSIGN_OR_RETURN(int64_t deleted, p_.hot_interactions.Delete(filter));
  if (deleted > 0) {
    // The deleted interactions no longer hide their titles from the users' answers.
    p_.recent.Forget(filter);
    if (p_.realtime != nullptr) p_.realtime->Forget(filter.all ? std::nullopt : filter.user_id);
    if (filter.user_id) {
      p_.cache.InvalidateUser(*filter.user_id);
    } else {
      p_.cache.InvalidateAll();
    }
  }
  v1::DeleteInteractionsResponse response;
  response.set_deleted(deleted);
  return response;
}

absl::StatusOr<v1::Experiment> AdminService::CreateExperiment(const v1::CreateExperimentRequest& request) {
  if (!request.has_experiment()) {
    return absl::InvalidArgumentError("experiment is required (name, arms with weights; the first arm is the control)");
  }
  return p_.experiments.Create(request.experiment());
}

absl::StatusOr<v1::ListExperimentsResponse> AdminService::ListExperiments(const v1::ListExperimentsRequest&) {
  ASSIGN_OR_RETURN(std::vector<v1::Experiment> experiments, p_.experiments.List());
  v1::ListExperimentsResponse response;
  for (v1::Experiment& experiment : experiments) *response.add_experiments() = std::move(experiment);
  return response;
}

absl::StatusOr<v1::Experiment> AdminService::GetExperiment(const v1::GetExperimentRequest& request) {
  RETURN_IF_ERROR(experiments::ValidExperimentName("name", request.name()));
  return p_.experiments.Get(request.name());
}

absl::StatusOr<v1::Experiment> AdminService::StopExperiment(const v1::StopExperimentRequest& request) {
  RETURN_IF_ERROR(experiments::ValidExperimentName("name", request.name()));
  return p_.experiments.Stop(request.name());
}

absl::StatusOr<v1::ExperimentReport> AdminService::GetExperimentReport(const v1::GetExperimentReportRequest& request) {
  RETURN_IF_ERROR(experiments::ValidExperimentName("name", request.name()));
  ASSIGN_OR_RETURN(v1::Experiment experiment, p_.experiments.Get(request.name()));
  if (p_.exposure_log_dir.empty()) {
    return absl::FailedPreconditionError("the exposure log is off (experiments.log.enabled is false): nothing to analyse");
  }
  RETURN_IF_ERROR(p_.flush_exposure_log());
  return ExperimentReportFromLog(p_.exposure_log_dir, experiment);
}

}  // namespace vitrina::server
