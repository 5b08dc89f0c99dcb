#pragma once

#include "server/admin_auth.h"
#include "server/admin_core.h"
#include "server/recommender_core.h"
#include "vitrina/v1/admin.grpc.pb.h"
#include "vitrina/v1/recommender.grpc.pb.h"

namespace vitrina::server {

class RequestMetrics;

// The gRPC edge: thin callback-API handlers that convert to and from the cores. Nothing here
// decides anything; a core's absl::Status becomes the call's grpc::Status.
// TrainModel needs the admin token like the Admin calls: it occupies the job worker and can
// replace the served model.
class GrpcRecommenderService final : public v1::Recommender::CallbackService {
 public:
  GrpcRecommenderService(RecommenderCore& core, const AdminAuth& auth, RequestMetrics& metrics)
      : core_(core), auth_(auth), metrics_(metrics) {}

  grpc::ServerUnaryReactor* GetUserRecommendations(grpc::CallbackServerContext* context,
                                                   const v1::GetUserRecommendationsRequest* request,
                                                   v1::RecommendationsResponse* response) override;
  grpc::ServerUnaryReactor* GetTitleRelevant(grpc::CallbackServerContext* context,
                                             const v1::GetTitleRelevantRequest* request,
                                             v1::RecommendationsResponse* response) override;
  grpc::ServerUnaryReactor* GetNextTitle(grpc::CallbackServerContext* context, const v1::GetNextTitleRequest* request,
                                         v1::GetNextTitleResponse* response) override;
  grpc::ServerUnaryReactor* EndSession(grpc::CallbackServerContext* context, const v1::EndSessionRequest* request,
                                       v1::EndSessionResponse* response) override;
  // With wait, the reactor finishes from the job worker once the job has ended: no gRPC thread
  // blocks for the length of a training.
  grpc::ServerUnaryReactor* TrainModel(grpc::CallbackServerContext* context, const v1::TrainModelRequest* request,
                                       v1::TrainModelResponse* response) override;

 private:
  RecommenderCore& core_;
  const AdminAuth& auth_;
  RequestMetrics& metrics_;
};

class GrpcAdminService final : public v1::Admin::CallbackService {
 public:
  GrpcAdminService(AdminCore& core, const AdminAuth& auth, RequestMetrics& metrics)
      : core_(core), auth_(auth), metrics_(metrics) {}

  using Context = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;
  Reactor* ListModels(Context*, const v1::ListModelsRequest*, v1::ListModelsResponse*) override;
  Reactor* GetModel(Context*, const v1::GetModelRequest*, v1::Model*) override;
  Reactor* ActivateModel(Context*, const v1::ActivateModelRequest*, v1::ActivateModelResponse*) override;
  Reactor* DeleteModel(Context*, const v1::DeleteModelRequest*, v1::DeleteModelResponse*) override;
  Reactor* ListJobs(Context*, const v1::ListJobsRequest*, v1::ListJobsResponse*) override;
  Reactor* GetJob(Context*, const v1::GetJobRequest*, v1::Job*) override;
  Reactor* ScheduleTraining(Context*, const v1::ScheduleTrainingRequest*, v1::Job*) override;
  Reactor* CancelJob(Context*, const v1::CancelJobRequest*, v1::Job*) override;
  Reactor* StartSearch(Context*, const v1::StartSearchRequest*, v1::Job*) override;
  Reactor* ListTrials(Context*, const v1::ListTrialsRequest*, v1::ListTrialsResponse*) override;
  Reactor* InvalidateCache(Context*, const v1::InvalidateCacheRequest*, v1::InvalidateCacheResponse*) override;
  Reactor* AddToBlacklist(Context*, const v1::BlacklistRequest*, v1::BlacklistResponse*) override;
  Reactor* RemoveFromBlacklist(Context*, const v1::BlacklistRequest*, v1::BlacklistResponse*) override;
  Reactor* ListBlacklist(Context*, const v1::ListBlacklistRequest*, v1::ListBlacklistResponse*) override;
  Reactor* RecordInteraction(Context*, const v1::RecordInteractionRequest*, v1::RecordInteractionResponse*) override;
  Reactor* DeleteInteractions(Context*, const v1::DeleteInteractionsRequest*, v1::DeleteInteractionsResponse*) override;
  Reactor* CreateExperiment(Context*, const v1::CreateExperimentRequest*, v1::Experiment*) override;
  Reactor* ListExperiments(Context*, const v1::ListExperimentsRequest*, v1::ListExperimentsResponse*) override;
  Reactor* GetExperiment(Context*, const v1::GetExperimentRequest*, v1::Experiment*) override;
  Reactor* StopExperiment(Context*, const v1::StopExperimentRequest*, v1::Experiment*) override;
  Reactor* GetExperimentReport(Context*, const v1::GetExperimentReportRequest*, v1::ExperimentReport*) override;

 private:
  template <class Request, class Response>
  Reactor* Serve(std::string_view method, Context* context, const Request* request, Response* response,
                 absl::StatusOr<Response> (AdminCore::*call)(const Request&));

  AdminCore& core_;
  const AdminAuth& auth_;
  RequestMetrics& metrics_;
};

}  // namespace vitrina::server
