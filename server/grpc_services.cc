#include "server/grpc_services.h"

#include <chrono>

#include "server/request_metrics.h"
#include "server/status_conversion.h"

namespace vitrina::server {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Finishes a unary call with a core's answer and records it.
template <class Response>
grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context, absl::StatusOr<Response> result,
                                 Response* response, RequestMetrics& metrics, std::string_view method,
                                 Clock::time_point start) {
  absl::Status status = result.status();
  if (result.ok()) *response = std::move(result).value();
  metrics.Observe("grpc", method, status.code(), SecondsSince(start));
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

std::string_view AuthorizationHeader(const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return {};
  return std::string_view(it->second.data(), it->second.size());
}

}  // namespace

grpc::ServerUnaryReactor* GrpcRecommenderService::GetUserRecommendations(
    grpc::CallbackServerContext* context, const v1::GetUserRecommendationsRequest* request,
    v1::RecommendationsResponse* response) {
  auto start = Clock::now();
  return Finish(context, core_.GetUserRecommendations(*request), response, metrics_, "GetUserRecommendations", start);
}

grpc::ServerUnaryReactor* GrpcRecommenderService::GetTitleRelevant(grpc::CallbackServerContext* context,
                                                                   const v1::GetTitleRelevantRequest* request,
                                                                   v1::RecommendationsResponse* response) {
  auto start = Clock::now();
  return Finish(context, core_.GetTitleRelevant(*request), response, metrics_, "GetTitleRelevant", start);
}

grpc::ServerUnaryReactor* GrpcRecommenderService::GetNextTitle(grpc::CallbackServerContext* context,
                                                               const v1::GetNextTitleRequest* request,
                                                               v1::GetNextTitleResponse* response) {
  auto start = Clock::now();
  return Finish(context, core_.GetNextTitle(*request), response, metrics_, "GetNextTitle", start);
}

grpc::ServerUnaryReactor* GrpcRecommenderService::EndSession(grpc::CallbackServerContext* context,
                                                             const v1::EndSessionRequest* request,
                                                             v1::EndSessionResponse* response) {
  auto start = Clock::now();
  return Finish(context, core_.EndSession(*request), response, metrics_, "EndSession", start);
}

grpc::ServerUnaryReactor* GrpcRecommenderService::TrainModel(grpc::CallbackServerContext* context,
                                                             const v1::TrainModelRequest* request,
                                                             v1::TrainModelResponse* response) {
  auto start = Clock::now();
  absl::Status auth = auth_.Check(AuthorizationHeader(*context));
  if (!auth.ok()) return Finish<v1::TrainModelResponse>(context, auth, response, metrics_, "TrainModel", start);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  RequestMetrics& metrics = metrics_;
  core_.TrainModel(*request, [reactor, response, &metrics, start](absl::StatusOr<v1::TrainModelResponse> result) {
    absl::Status status = result.status();
    if (result.ok()) *response = std::move(result).value();
    metrics.Observe("grpc", "TrainModel", status.code(), SecondsSince(start));
    reactor->Finish(ToGrpcStatus(status));
  });
  return reactor;
}

template <class Request, class Response>
grpc::ServerUnaryReactor* GrpcAdminService::Serve(std::string_view method, Context* context, const Request* request,
                                                  Response* response,
                                                  absl::StatusOr<Response> (AdminCore::*call)(const Request&)) {
  auto start = Clock::now();
  absl::Status auth = auth_.Check(AuthorizationHeader(*context));
  if (!auth.ok()) return Finish<Response>(context, auth, response, metrics_, method, start);
  return Finish(context, (core_.*call)(*request), response, metrics_, method, start);
}

#define VITRINA_ADMIN_METHOD(Name, Request, Response)                                    \
  grpc::ServerUnaryReactor* GrpcAdminService::Name(Context* context, const Request* request, \
                                                   Response* response) {                   \
    return Serve(#Name, context, request, response, &AdminCore::Name);                     \
  }

VITRINA_ADMIN_METHOD(ListModels, v1::ListModelsRequest, v1::ListModelsResponse)
VITRINA_ADMIN_METHOD(GetModel, v1::GetModelRequest, v1::Model)
VITRINA_ADMIN_METHOD(ActivateModel, v1::ActivateModelRequest, v1::ActivateModelResponse)
VITRINA_ADMIN_METHOD(DeleteModel, v1::DeleteModelRequest, v1::DeleteModelResponse)
VITRINA_ADMIN_METHOD(ListJobs, v1::ListJobsRequest, v1::ListJobsResponse)
VITRINA_ADMIN_METHOD(GetJob, v1::GetJobRequest, v1::Job)
VITRINA_ADMIN_METHOD(ScheduleTraining, v1::ScheduleTrainingRequest, v1::Job)
VITRINA_ADMIN_METHOD(CancelJob, v1::CancelJobRequest, v1::Job)
VITRINA_ADMIN_METHOD(StartSearch, v1::StartSearchRequest, v1::Job)
VITRINA_ADMIN_METHOD(ListTrials, v1::ListTrialsRequest, v1::ListTrialsResponse)
VITRINA_ADMIN_METHOD(InvalidateCache, v1::InvalidateCacheRequest, v1::InvalidateCacheResponse)
VITRINA_ADMIN_METHOD(AddToBlacklist, v1::BlacklistRequest, v1::BlacklistResponse)
VITRINA_ADMIN_METHOD(RemoveFromBlacklist, v1::BlacklistRequest, v1::BlacklistResponse)
VITRINA_ADMIN_METHOD(ListBlacklist, v1::ListBlacklistRequest, v1::ListBlacklistResponse)
VITRINA_ADMIN_METHOD(RecordInteraction, v1::RecordInteractionRequest, v1::RecordInteractionResponse)
VITRINA_ADMIN_METHOD(DeleteInteractions, v1::DeleteInteractionsRequest, v1::DeleteInteractionsResponse)
VITRINA_ADMIN_METHOD(CreateExperiment, v1::CreateExperimentRequest, v1::Experiment)
VITRINA_ADMIN_METHOD(ListExperiments, v1::ListExperimentsRequest, v1::ListExperimentsResponse)
VITRINA_ADMIN_METHOD(GetExperiment, v1::GetExperimentRequest, v1::Experiment)
VITRINA_ADMIN_METHOD(StopExperiment, v1::StopExperimentRequest, v1::Experiment)
VITRINA_ADMIN_METHOD(GetExperimentReport, v1::GetExperimentReportRequest, v1::ExperimentReport)

#undef VITRINA_ADMIN_METHOD

}  // namespace vitrina::server
