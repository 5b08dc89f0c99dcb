#include "server/recommender_service.h"

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
