#include "server/training_runner.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

#include "common/status_macros.h"
#include "data/open_data_source.h"
#include "data/prepare_dataset.h"
#include "fmt/format.h"
#include "server/proto_conversion.h"
#include "server/training_deadline.h"
#include "server/search_job.h"
#include "server/training_params.h"
#include "serving/ann_index.h"
#include "spdlog/spdlog.h"
#include "trainer/evaluation.h"
#include "trainer/model_file.h"
#include "tuning/refit_deadline.h"
#include "tuning/search_clock.h"
#include "tuning/successive_halving.h"
#include "tuning/time_budget.h"

namespace vitrina::server {
namespace {

// What fit and evaluation consume, built from a prepared dataset in catalog ids.
struct TrainingInput {
  trainer::Dataset dataset;
  trainer::Interactions positives;
  trainer::Interactions consumed;
  ColdConsumption cold_consumed;  // of users the model does not know
};

// The side features of `triples`, grouped by owner (the triples are sorted by owner).
template <class Visit>
absl::Status ForEachOwner(const data::FeatureTriples& triples, Visit visit) {
  for (size_t begin = 0; begin < triples.size();) {
    size_t end = begin;
    std::vector<trainer::WeightedFeature> own;
    while (end < triples.size() && triples.owner_ids[end] == triples.owner_ids[begin]) {
      own.push_back({triples.features[end], triples.weights[end]});
      ++end;
    }
    RETURN_IF_ERROR(visit(triples.owner_ids[begin], own));
    begin = end;
  }
  return absl::OkStatus();
}

// Adds the prepared users (with their catalog features), titles (with their genre/creator
// features) and interactions to `dataset` (fresh, or a copy of the parent model's for an
// incremental fit) and translates them. Only users with positives enter the model; the others'
// features place them at serving time (serving::FeatureUsers). `earlier_cold` is what users
// outside the parent model consumed (an incremental fit): those who are in the model now take it
// into their consumed sets.
absl::StatusOr<TrainingInput> BuildInput(trainer::Dataset dataset, const data::PreparedDataset& prepared,
                                         bool use_title_features, bool use_user_features,
                                         const ColdConsumption& earlier_cold) {
  RETURN_IF_ERROR(ForEachOwner(prepared.title_features, [&](int64_t title_id, std::span<const trainer::WeightedFeature> own) {
    if (use_title_features) return dataset.items().SetFeatures(title_id, own);
    dataset.items().AddEntity(title_id);
    return absl::OkStatus();
  }));
  std::vector<trainer::Interaction> positives;
  positives.reserve(prepared.positives.size());
  for (size_t i = 0; i < prepared.positives.size(); ++i) {
    dataset.users().AddEntity(prepared.positives.user_ids[i]);
    dataset.items().AddEntity(prepared.positives.title_ids[i]);
    positives.push_back({prepared.positives.user_ids[i], prepared.positives.title_ids[i], 1.0f,
                         prepared.positives.weights[i]});
  }
  if (use_user_features) {
    RETURN_IF_ERROR(ForEachOwner(prepared.user_features, [&](int64_t user_id, std::span<const trainer::WeightedFeature> own) {
      return dataset.users().ids().Find(user_id) ? dataset.users().SetFeatures(user_id, own) : absl::OkStatus();
    }));
  }
  // Users the model knows exclude what they consumed through its consumed sets; the others get the
  // popularity answer, which excludes theirs through the cold set.
  std::vector<trainer::Interaction> consumed;
  std::vector<ColdConsumption::Pair> cold;
  auto place = [&](int64_t user_id, int64_t title_id) {
    if (!dataset.users().ids().Find(user_id)) {
      cold.emplace_back(user_id, title_id);
    } else if (dataset.items().ids().Find(title_id)) {
      consumed.push_back({user_id, title_id, 1.0f, 1.0f});
    }
  };
  consumed.reserve(prepared.consumed.size());
  for (size_t i = 0; i < prepared.consumed.size(); ++i) place(prepared.consumed.user_ids[i], prepared.consumed.title_ids[i]);
  for (const auto& [user_id, title_id] : earlier_cold.pairs()) place(user_id, title_id);
  ASSIGN_OR_RETURN(trainer::Interactions positive_matrix, dataset.BuildInteractions(positives));
  ASSIGN_OR_RETURN(trainer::Interactions consumed_matrix, dataset.BuildInteractions(consumed));
  return TrainingInput{std::move(dataset), std::move(positive_matrix), std::move(consumed_matrix),
                       ColdConsumption(std::move(cold))};
}

// The parent's consumed sets grown to the new shape, plus the increment's.
trainer::CsrMatrix MergeConsumed(const trainer::Model& parent, const trainer::Interactions& increment) {
  std::vector<trainer::MatrixEntry> entries;
  for (int32_t user = 0; user < parent.n_users(); ++user) {
    for (int32_t item : parent.ConsumedItems(user)) entries.push_back({user, item, 1.0f});
  }
  for (size_t i = 0; i < increment.size(); ++i) entries.push_back({increment.users[i], increment.items[i], 1.0f});
  trainer::CsrMatrix merged = trainer::CsrMatrix::FromEntries(increment.n_users, increment.n_items, std::move(entries));
  // Duplicates were summed; a consumed set is a set.
  std::fill(merged.values.begin(), merged.values.end(), 1.0f);
  return merged;
}

// k-OS steps on the k-th of n positives it draws from the user's row, not on the interaction that
// drew them, so a sample weight has nothing to scale (LightFM's fit_warp_kos takes none): every
// positive counts once, and the job's log says how many weights that set aside.
void IgnoreSampleWeightsForKos(int64_t job_id, trainer::Interactions& positives) {
  const auto weighted = std::count_if(positives.weights.begin(), positives.weights.end(), [](float w) { return w != 1.0f; });
  std::fill(positives.weights.begin(), positives.weights.end(), 1.0f);
  spdlog::info("job {}: WARP_KOS ignores sample weights (as LightFM's k-OS): {} of {} interactions had an "
               "interaction-type weight other than 1 and count once",
               job_id, weighted, positives.size());
}

v1::Metrics ToProto(const trainer::EvaluationSummary& summary, int k) {
  v1::Metrics metrics;
  metrics.set_precision_at_k(summary.precision_at_k);
  metrics.set_recall_at_k(summary.recall_at_k);
  metrics.set_auc(summary.auc);
  metrics.set_reciprocal_rank(summary.reciprocal_rank);
  metrics.set_k(k);
  return metrics;
}

// Runs the search on the training part (the test part stays unseen until the winner is evaluated),
// storing every trial as it is measured, and returns the winner's full params.
absl::StatusOr<v1::TrainingParams> SearchWinner(const registry::JobRecord& job, const tuning::SearchOptions& options,
                                                const trainer::Dataset& dataset, const trainer::Interactions& train,
                                                const v1::TrainingParams& defaults,
                                                registry::SearchTrialStore& trials,
                                                const TrainingRunner::Progress& on_progress) {
  const int planned = PlannedMeasurements(options);
  int measured = 0;
  absl::Status store_error;
  absl::StatusOr<tuning::SearchResult> result =
      tuning::RunSearch(dataset, train, options, [&](const tuning::TrialRecord& trial) {
        registry::SearchTrialRecord row;
        row.job_id = job.id;
        row.trial = trial.trial;
        row.rung = trial.rung;
        row.epochs = trial.epochs;
        row.params_json = ToJson(SearchedParams(trial.hyperparameters, trial.epochs, defaults));
        if (trial.error.empty()) row.validation_metric = trial.validation_metric;
        row.seconds = trial.seconds;
        row.error = trial.error;
        store_error = trials.Append(row);
        if (!store_error.ok()) return false;
        return on_progress(++measured, planned);
      });
  if (!store_error.ok()) return store_error;
  if (!result.ok()) return result.status();
  spdlog::info("job {}: search measured {} trials in {:.2f}s; winner trial {} ({} epochs, validation {} {:.4f})",
               job.id, result->trials.size(), result->seconds, result->winner_trial, result->winner_epochs,
               tuning::SearchMetricName(options.metric), result->winner_validation_metric);
  return SearchedParams(result->winner, result->winner_epochs, defaults);
}

}  // namespace

absl::StatusOr<v1::TrainingParams> TrainingRunner::Defaults(const registry::JobRecord& job) const {
  if (!config_.training.nightly_uses_search_winner || job.spec.trigger != registry::JobTrigger::kNightly ||
      job.spec.kind != registry::JobKind::kFull) {
    return config_.training.defaults;
  }
  ASSIGN_OR_RETURN(std::vector<registry::ModelRecord> models, registry_.List(100));
  for (const registry::ModelRecord& model : models) {
    v1::TrainingParams params;
    if (!FromJson(model.artifact.params_json, &params).ok() || params.kind() != v1::SEARCH) continue;
    spdlog::info("job {}: nightly training with the parameters search model {} won with", job.id, model.id);
    params.set_kind(v1::FULL);
    return MergeTrainingParams(config_.training.defaults, params);
  }
  return config_.training.defaults;
}

absl::StatusOr<TrainingOutcome> TrainingRunner::Run(const registry::JobRecord& job, const Progress& on_epoch) const {
  const auto started = std::chrono::steady_clock::now();
  TrainingDeadline deadline(started, config_.training.limits.max_wall_seconds, "the active model");
  const bool incremental = job.spec.kind == registry::JobKind::kIncremental;
  const bool search = job.spec.kind == registry::JobKind::kSearch;
  v1::TrainingParams requested;
  v1::StartSearchRequest search_request;
  RETURN_IF_ERROR(search ? FromJson(job.spec.params_json, &search_request) : FromJson(job.spec.params_json, &requested));
  ASSIGN_OR_RETURN(const v1::TrainingParams defaults, Defaults(job));
  v1::TrainingParams params = MergeTrainingParams(defaults, requested);
  // A search trains full models; its winner's params say SEARCH (SearchedParams).
  params.set_kind(search ? v1::FULL : ToProto(job.spec.kind));
  RETURN_IF_ERROR(ValidateTrainingParams(params, config_.training.limits));
  if (job.spec.kind == registry::JobKind::kNextTitle) return RunNextTitle(job, params, on_epoch);
  std::optional<tuning::SearchOptions> search_options;
  if (search) {
    ASSIGN_OR_RETURN(search_options, SearchOptionsFromRequest(search_request, params, config_.training.limits, config_.training.eval_k));
    params.set_seed(search_options->seed);  // the split below and the search share it
  }

  std::shared_ptr<const ServedModel> parent = holder_.Current();
  if (incremental && parent == nullptr) {
    return absl::FailedPreconditionError("an incremental training needs an active model to continue");
  }
  const int64_t since = incremental ? parent->watermark : 0;
  // What this training knows of is what happened before it started: an interaction dated later
  // (a client clock ahead, a wrong year, a catalog row from the future) waits for a later one,
  // so the watermark, and the popularity window measured back from it, never passes `as_of`.
  const registry::UnixSeconds as_of = registry::UnixNow();

  ASSIGN_OR_RETURN(std::unique_ptr<data::DataSource> source, data::OpenDataSource(config_.data_source));
  std::vector<data::InteractionRecord> hot;
  RETURN_IF_ERROR(hot_interactions_.ReadSince(since + (incremental ? 1 : 0), [&](const registry::HotInteraction& h) {
    hot.push_back({h.user_id, h.title_id, h.type, h.value, h.timestamp});
  }));
  std::shared_ptr<const blacklist::BlacklistSnapshot> blacklisted = blacklist_.Snapshot();
  data::TitlePredicate is_blacklisted = [&](int64_t title) { return blacklisted->IsBlocked(std::nullopt, title); };
  absl::StatusOr<data::PreparedDataset> prepared =
      incremental ? data::PrepareIncrementalDataset(*source, hot, config_.preparation, is_blacklisted, since, as_of)
                  : data::PrepareDataset(*source, hot, config_.preparation, is_blacklisted, as_of);
  if (!prepared.ok()) {
    return absl::Status(prepared.status().code(), fmt::format("reading {}: {}", source->Name(),
                                                              std::string(prepared.status().message())));
  }
  if (prepared->positives.size() == 0) {
    return absl::FailedPreconditionError(incremental ? fmt::format("no new interactions since {}", since)
                                                     : "the data source has no positive interactions to train on");
  }

  trainer::Dataset base = incremental ? parent->model->dataset() : trainer::Dataset();
  ASSIGN_OR_RETURN(TrainingInput input, BuildInput(std::move(base), *prepared, config_.training.use_title_features,
                                                   config_.training.use_user_features, incremental ? *parent->cold_consumed : ColdConsumption()));
  const trainer::LossKind loss = incremental ? parent->model->hyperparameters().loss : ToHyperparameters(params).loss;
  if (loss == trainer::LossKind::kWarpKos) IgnoreSampleWeightsForKos(job.id, input.positives);
  ASSIGN_OR_RETURN(auto split, trainer::RandomTrainTestSplit(input.positives, config_.training.test_fraction, params.seed()));
  auto& [train, test] = split;
  double prepare_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("job {}: {} positives ({} train, {} test), {} users, {} titles, prepared in {:.2f}s", job.id,
               input.positives.size(), train.size(), test.size(), input.dataset.users().n_entities(),
               input.dataset.items().n_entities(), prepare_seconds);

  RETURN_IF_ERROR(deadline.CheckBeforeFirstEpoch());
  const tuning::SteadySearchClock clock;
  std::optional<tuning::RefitDeadline> refit_deadline;
  if (search) {
    // The search stops at the job's deadline at the latest; the winner's training is then checked
    // like any other, and stopped early rather than overrun a budget the request set.
    const double remaining = deadline.RemainingSeconds();
    const bool budget_requested = search_options->budget.max_seconds.has_value();
    search_options->budget.max_seconds = std::min(search_options->budget.max_seconds.value_or(remaining), remaining);
    const double search_started = clock.Seconds();
    ASSIGN_OR_RETURN(params, SearchWinner(job, *search_options, input.dataset, train, params, search_trials_, on_epoch));
    RETURN_IF_ERROR(deadline.Check("after the search, before the winner's training"));
    if (budget_requested) {
      refit_deadline.emplace(clock, search_started + tuning::TimeBudget::kPlannedShare * *search_options->budget.max_seconds);
    }
  }

  trainer::FitOptions options = deadline.FitOptions(params.epochs(), params.threads(), on_epoch);
  int epochs_trained = 0;
  bool out_of_budget = false;
  if (refit_deadline) {
    options.on_epoch = [&, within_deadline = options.on_epoch](const trainer::EpochReport& report) {
      if (!within_deadline(report)) return false;
      epochs_trained = report.epoch + 1;
      out_of_budget = epochs_trained < report.epochs && !refit_deadline->MayContinue(epochs_trained);
      return !out_of_budget;
    };
  }
  absl::StatusOr<trainer::Model> model = absl::UnknownError("unset");
  if (incremental) {
    model = *parent->model;
  } else {
    ASSIGN_OR_RETURN(model, trainer::Model::Create(ToHyperparameters(params)));
  }
  absl::Status fitted =
      incremental ? model->FitPartial(input.dataset, train, options) : model->Fit(input.dataset, train, options);
  RETURN_IF_ERROR(deadline.StoppedFit());
  if (out_of_budget && absl::IsCancelled(fitted)) {
    // The model trained so far is the winner's; the registry records the epochs it had.
    spdlog::warn("job {}: the winner's training stopped after {} of its {} epochs: the search's budget ran out",
                 job.id, epochs_trained, params.epochs());
    params.set_epochs(epochs_trained);
    fitted = absl::OkStatus();
  }
  RETURN_IF_ERROR(fitted);
  RETURN_IF_ERROR(model->SetConsumedItems(incremental ? MergeConsumed(*parent->model, input.consumed)
                                                      : input.consumed.ToCsr()));

  trainer::CsrMatrix train_matrix = train.ToCsr();
  trainer::EvaluationOptions evaluation;
  evaluation.k = config_.training.eval_k;
  evaluation.train = &train_matrix;
  evaluation.threads = params.threads();
  ASSIGN_OR_RETURN(trainer::EvaluationSummary summary, trainer::Evaluate(*model, test.ToCsr(), evaluation));
  v1::Metrics metrics = ToProto(summary, evaluation.k);

  std::error_code ignored;
  std::filesystem::create_directories(config_.models_dir, ignored);
  std::string path = (std::filesystem::path(config_.models_dir) /
                      fmt::format("model-job{}-{}.vtm", job.id, absl::ToUnixMillis(absl::Now())))
                         .string();
  ASSIGN_OR_RETURN(trainer::ModelFileInfo file, trainer::SaveModel(*model, path));
  // An increment's popularity covers the increment only: the parent's snapshot stays the answer.
  const std::string popularity_path = ModelManager::PopularityPath(path);
  RETURN_IF_ERROR(incremental ? parent->popular->Save(popularity_path)
                              : PopularTitles(std::move(prepared->popularity)).Save(popularity_path));
  RETURN_IF_ERROR(input.cold_consumed.Save(ModelManager::ColdConsumptionPath(path)));
  if (model->n_items() >= config_.ann.min_titles) {
    // Here rather than at serving start-up: a large catalog's graph takes minutes to build.
    const auto build_started = std::chrono::steady_clock::now();
    ASSIGN_OR_RETURN(serving::ModelAnnIndex ann, serving::ModelAnnIndex::Build(*model, config_.ann, params.threads()));
    RETURN_IF_ERROR(ann.Save(serving::ModelAnnIndex::FolderFor(path), file.checksum_hex));
    spdlog::info("job {}: ANN index of {} titles built in {:.1f}s ({:.0f} MB)", job.id, model->n_items(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - build_started).count(),
                 static_cast<double>(ann.MemoryBytes()) / (1 << 20));
  }

  v1::DatasetStats stats = ToProto(prepared->stats);
  stats.set_n_train(static_cast<int64_t>(train.size()));
  stats.set_n_test(static_cast<int64_t>(test.size()));
  registry::ModelArtifact artifact;
  artifact.params_json = ToJson(params);
  artifact.metrics_json = ToJson(metrics);
  artifact.dataset_json = ToJson(stats);
  artifact.file_path = path;
  artifact.checksum = file.checksum_hex;
  artifact.size_bytes = static_cast<int64_t>(file.size_bytes);
  artifact.n_users = model->n_users();
  artifact.n_titles = model->n_items();
  artifact.job_id = job.id;
  if (incremental) artifact.parent_model_id = parent->model_id;
  // Never after the start, whatever a parent trained before times were checked carried.
  artifact.watermark = std::min(std::max(prepared->stats.watermark, since), as_of);
  ASSIGN_OR_RETURN(registry::ModelRecord record, registry_.Insert(artifact));

  TrainingOutcome outcome{record, metrics, false};
  bool activate = job.spec.activate == registry::ActivatePolicy::kAlways;
  if (job.spec.activate == registry::ActivatePolicy::kIfBetter) {
    activate = true;
    if (std::shared_ptr<const ServedModel> active = holder_.Current()) {
      ASSIGN_OR_RETURN(registry::ModelRecord active_record, registry_.Get(active->model_id));
      v1::Metrics active_metrics;
      RETURN_IF_ERROR(FromJson(active_record.artifact.metrics_json, &active_metrics));
      activate = metrics.precision_at_k() >= active_metrics.precision_at_k();
      spdlog::info("job {}: quality gate: precision@{} {:.4f} vs active model {}'s {:.4f}: {}", job.id, evaluation.k,
                   metrics.precision_at_k(), active->model_id, active_metrics.precision_at_k(),
                   activate ? "activate" : "keep the active model");
    }
  }
  if (activate) {
    // Load the file back and check it, as any activation does: what serves is what was written.
    ASSIGN_OR_RETURN(std::shared_ptr<const ServedModel> loaded, models_.Load(record));
    ASSIGN_OR_RETURN(int64_t previous, models_.Activate(record, std::move(loaded)));
    (void)previous;
    outcome.activated = true;
    outcome.model.active = true;
  }
  return outcome;
}

}  // namespace vitrina::server
