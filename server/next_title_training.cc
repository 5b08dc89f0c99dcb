#include "server/next_title_training.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "data/open_data_source.h"
#include "data/prepare_dataset.h"
#include "fmt/format.h"
#include "server/proto_conversion.h"
#include "server/training_deadline.h"
#include "server/training_params.h"
#include "server/training_runner.h"
#include "spdlog/spdlog.h"
#include "trainer/model_file.h"

namespace vitrina::server {

absl::StatusOr<NextTitleTrainingData> BuildNextTitleTrainingData(const data::FeatureTriples& title_features,
                                                                 const data::TitleTransitions& transitions,
                                                                 bool use_title_features) {
  trainer::Dataset dataset;
  for (size_t begin = 0; begin < title_features.size();) {
    size_t end = begin;
    std::vector<trainer::WeightedFeature> own;
    while (end < title_features.size() && title_features.owner_ids[end] == title_features.owner_ids[begin]) {
      own.push_back({title_features.features[end], title_features.weights[end]});
      ++end;
    }
    const int64_t title = title_features.owner_ids[begin];
    if (use_title_features) {
      RETURN_IF_ERROR(dataset.users().SetFeatures(title, own));
      RETURN_IF_ERROR(dataset.items().SetFeatures(title, own));
    } else {
      dataset.users().AddEntity(title);
      dataset.items().AddEntity(title);
    }
    begin = end;
  }
  auto known = [&](const data::TitleTransition& t) {
    return dataset.users().ids().Find(t.previous_title_id).has_value() &&
           dataset.items().ids().Find(t.next_title_id).has_value();
  };
  // One positive per (previous, next) pair, weighted by the summed consumed shares.
  std::map<std::pair<int64_t, int64_t>, float> pairs;
  for (const data::TitleTransition& t : transitions.train) {
    if (known(t)) pairs[{t.previous_title_id, t.next_title_id}] += t.weight;
  }
  std::vector<trainer::Interaction> positives;
  positives.reserve(pairs.size());
  for (const auto& [pair, weight] : pairs) positives.push_back({pair.first, pair.second, 1.0f, weight});
  ASSIGN_OR_RETURN(trainer::Interactions train, dataset.BuildInteractions(positives));

  std::vector<trainer::NextItemCase> test;
  test.reserve(transitions.test.size());
  for (const data::TitleTransition& t : transitions.test) {
    if (!known(t)) continue;
    test.push_back({.user = *dataset.users().ids().Find(t.previous_title_id),
                    .next_item = *dataset.items().ids().Find(t.next_title_id),
                    .excluded_item = dataset.items().ids().Find(t.previous_title_id)});
  }
  return NextTitleTrainingData{std::move(dataset), std::move(train), std::move(test)};
}

absl::StatusOr<FittedNextTitleModel> FitNextTitleModel(const NextTitleTrainingData& data,
                                                       const trainer::Hyperparameters& hyperparameters,
                                                       const trainer::FitOptions& options, int k) {
  ASSIGN_OR_RETURN(trainer::Model model, trainer::Model::Create(hyperparameters));
  RETURN_IF_ERROR(model.Fit(data.dataset, data.train, options));
  ASSIGN_OR_RETURN(trainer::NextItemMetrics metrics, trainer::EvaluateNextItems(model, data.test, k));
  return FittedNextTitleModel{std::move(model), metrics};
}

absl::StatusOr<TrainingOutcome> TrainingRunner::RunNextTitle(const registry::JobRecord& job,
                                                             const v1::TrainingParams& params,
                                                             const Progress& on_epoch) const {
  const auto started = std::chrono::steady_clock::now();
  TrainingDeadline deadline(started, config_.training.limits.max_wall_seconds, "the active next-title model");
  const registry::UnixSeconds as_of = registry::UnixNow();

  ASSIGN_OR_RETURN(std::unique_ptr<data::DataSource> source, data::OpenDataSource(config_.data_source));
  std::vector<data::InteractionRecord> hot;
  RETURN_IF_ERROR(hot_interactions_.ReadSince(0, [&](const registry::HotInteraction& h) {
    hot.push_back({h.user_id, h.title_id, h.type, h.value, h.timestamp});
  }));
  std::shared_ptr<const blacklist::BlacklistSnapshot> blacklisted = blacklist_.Snapshot();
  data::TitlePredicate is_blacklisted = [&](int64_t title) { return blacklisted->IsBlocked(std::nullopt, title); };
  // The preparation gives the eligible titles (available, not blacklisted) with their features.
  absl::StatusOr<data::PreparedDataset> prepared =
      data::PrepareDataset(*source, hot, config_.preparation, is_blacklisted, as_of);
  if (!prepared.ok()) {
    return absl::Status(prepared.status().code(),
                        fmt::format("reading {}: {}", source->Name(), std::string(prepared.status().message())));
  }
  absl::flat_hash_set<int64_t> eligible(prepared->title_features.owner_ids.begin(),
                                        prepared->title_features.owner_ids.end());
  absl::StatusOr<data::TitleTransitions> transitions = data::ReadTitleTransitions(
      *source, hot, config_.preparation, config_.training.next_title,
      [&](int64_t title) { return eligible.contains(title); }, as_of, params.seed());
  if (!transitions.ok()) {
    return absl::Status(transitions.status().code(),
                        fmt::format("reading {}: {}", source->Name(), std::string(transitions.status().message())));
  }
  if (transitions->train.empty()) {
    return absl::FailedPreconditionError(fmt::format(
        "no title follows another within {} s in the data (training.next_title.session_gap_minutes): nothing to "
        "learn a next-title model from",
        config_.training.next_title.session_gap_seconds));
  }
  ASSIGN_OR_RETURN(NextTitleTrainingData data, BuildNextTitleTrainingData(prepared->title_features, *transitions,
                                                                          config_.training.use_title_features));
  spdlog::info("job {}: next-title model: {} sessions, {} transitions ({} distinct pairs) to train, {} held out, "
               "{} titles, prepared in {:.2f}s",
               job.id, transitions->sessions, transitions->train.size(), data.train.size(), data.test.size(),
               data.dataset.items().n_entities(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  RETURN_IF_ERROR(deadline.CheckBeforeFirstEpoch());

  const trainer::FitOptions options = deadline.FitOptions(params.epochs(), params.threads(), on_epoch);
  const int k = config_.training.eval_k;
  absl::StatusOr<FittedNextTitleModel> fitted = FitNextTitleModel(data, ToHyperparameters(params), options, k);
  RETURN_IF_ERROR(deadline.StoppedFit());
  RETURN_IF_ERROR(fitted.status());

  v1::Metrics metrics;
  metrics.set_hit_rate_at_k(fitted->metrics.hit_rate_at_k);
  metrics.set_reciprocal_rank(fitted->metrics.mrr);
  metrics.set_k(k);

  std::error_code ignored;
  std::filesystem::create_directories(config_.models_dir, ignored);
  std::string path = (std::filesystem::path(config_.models_dir) /
                      fmt::format("next-title-job{}-{}.vtm", job.id, absl::ToUnixMillis(absl::Now())))
                         .string();
  ASSIGN_OR_RETURN(trainer::ModelFileInfo file, trainer::SaveModel(fitted->model, path));

  v1::DatasetStats stats;
  stats.set_interactions_read(transitions->events);
  stats.set_interactions_kept(static_cast<int64_t>(transitions->train.size() + transitions->test.size()));
  stats.set_n_users(fitted->model.n_users());
  stats.set_n_titles(fitted->model.n_items());
  stats.set_n_pairs(static_cast<int64_t>(data.train.size()));
  stats.set_n_train(static_cast<int64_t>(data.train.size()));
  stats.set_n_test(static_cast<int64_t>(data.test.size()));
  *stats.mutable_watermark() = ToTimestamp(std::min<int64_t>(transitions->watermark, as_of));
  registry::ModelArtifact artifact;
  artifact.role = registry::ModelRole::kNextTitle;
  artifact.params_json = ToJson(params);
  artifact.metrics_json = ToJson(metrics);
  artifact.dataset_json = ToJson(stats);
  artifact.file_path = path;
  artifact.checksum = file.checksum_hex;
  artifact.size_bytes = static_cast<int64_t>(file.size_bytes);
  artifact.n_users = fitted->model.n_users();
  artifact.n_titles = fitted->model.n_items();
  artifact.job_id = job.id;
  artifact.watermark = std::min<int64_t>(transitions->watermark, as_of);
  ASSIGN_OR_RETURN(registry::ModelRecord record, registry_.Insert(artifact));

  TrainingOutcome outcome{record, metrics, false};
  bool activate = job.spec.activate == registry::ActivatePolicy::kAlways;
  if (job.spec.activate == registry::ActivatePolicy::kIfBetter) {
    activate = true;
    ASSIGN_OR_RETURN(std::optional<registry::ModelRecord> active, registry_.Active(registry::ModelRole::kNextTitle));
    if (active) {
      v1::Metrics active_metrics;
      RETURN_IF_ERROR(FromJson(active->artifact.metrics_json, &active_metrics));
      activate = metrics.hit_rate_at_k() >= active_metrics.hit_rate_at_k();
      spdlog::info("job {}: quality gate: hit rate@{} {:.4f} vs active next-title model {}'s {:.4f}: {}", job.id, k,
                   metrics.hit_rate_at_k(), active->id, active_metrics.hit_rate_at_k(),
                   activate ? "activate" : "keep the active model");
    }
  }
  if (activate) {
    ASSIGN_OR_RETURN(std::shared_ptr<const ServedNextTitleModel> loaded, models_.LoadNextTitle(record));
    RETURN_IF_ERROR(models_.Activate(record, std::move(loaded)).status());
    outcome.activated = true;
    outcome.model.active = true;
  }
  return outcome;
}

}  // namespace vitrina::server
