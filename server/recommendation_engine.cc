#include "server/recommendation_engine.h"

#include <algorithm>

#include "common/status_macros.h"
#include "fmt/format.h"
#include "server/answer_cache.h"
#include "server/title_filter.h"
#include "serving/ann_sources.h"
#include "serving/blacklist_filter.h"
#include "serving/excluded_titles_filter.h"
#include "serving/feature_titles.h"
#include "serving/filter_chain.h"
#include "serving/model_sources.h"
#include "serving/popular_source.h"
#include "serving/ranking.h"
#include "serving/seen_filter.h"

namespace vitrina::server {
namespace {

std::span<const int64_t> Ids(const google::protobuf::RepeatedField<int64_t>& ids) {
  return {ids.data(), static_cast<size_t>(ids.size())};
}

std::span<const float> Row(const trainer::ServingIndex::RowMatrix& rows, int32_t row) {
  return {rows.row(row).data(), static_cast<size_t>(rows.cols())};
}

// The new titles' part of a cache key: answers computed before a refresh placed other titles
// are not read back after it.
std::string NewTitlesVariant(const serving::FeatureTitles* new_titles) {
  return new_titles ? fmt::format(":n{:016x}", new_titles->digest()) : "";
}

// The withdrawn titles' part of a cache key: answers computed before a refresh withdrew titles
// are not read back after it.
std::string WithdrawnVariant(const WithdrawnTitles& withdrawn) {
  return withdrawn.digest == 0 ? "" : fmt::format(":w{:016x}", withdrawn.digest);
}

// The main source's candidates and the new titles' (when there are any), ranked together.
absl::StatusOr<std::vector<serving::Candidate>> WithNewTitles(
    absl::StatusOr<std::vector<serving::Candidate>> main, const serving::FeatureTitles* new_titles,
    std::span<const float> query, serving::FeatureTitlesSource::Space space, std::optional<int64_t> self, int limit,
    const serving::CandidateFilter& filters) {
  if (!main.ok() || new_titles == nullptr) return main;
  ASSIGN_OR_RETURN(std::vector<serving::Candidate> added,
                   serving::FeatureTitlesSource(*new_titles, query, space, self).Fetch(limit, filters));
  main->insert(main->end(), added.begin(), added.end());
  return main;
}

// The model's titles for a user: for `trained_user` by their trained row, else by `row` (a user
// adapted since the snapshot or placed by their features); from the graph when the model has one
// (it indexes the titles, whatever the query).
absl::StatusOr<std::vector<serving::Candidate>> RankedForUser(const ServedModel& served,
                                                              std::optional<int32_t> trained_user,
                                                              std::span<const float> row, int limit,
                                                              const serving::CandidateFilter& filters) {
  const trainer::Model& model = *served.model;
  if (trained_user) {
    if (served.ann) return serving::AnnPersonalSource(model, served.ann->personal(), *trained_user).Fetch(limit, filters);
    return serving::PersonalRankingSource(model, *trained_user).Fetch(limit, filters);
  }
  if (served.ann) return serving::AnnUserRowSource(model, served.ann->personal(), row).Fetch(limit, filters);
  return serving::UserRowRankingSource(model, row).Fetch(limit, filters);
}

// The parts of a request's Newcomers snapshot (null: none were placed for the model) it answers
// with: titles and users null when there are none; withdrawn titles never null (none: empty).
std::shared_ptr<const serving::FeatureTitles> NewTitlesIn(const Newcomers* newcomers) {
  return newcomers && !newcomers->titles->empty() ? newcomers->titles : nullptr;
}
std::shared_ptr<const serving::FeatureUsers> NewUsersIn(const Newcomers* newcomers) {
  return newcomers && !newcomers->users->empty() ? newcomers->users : nullptr;
}
const WithdrawnTitles& WithdrawnIn(const Newcomers* newcomers) {
  static const WithdrawnTitles* const kNone = new WithdrawnTitles(std::vector<int64_t>());
  return newcomers ? *newcomers->withdrawn : *kNone;
}

}  // namespace

absl::StatusOr<int> RecommendationEngine::ValidK(int requested) const {
  if (requested == 0) return limits_.default_k;
  if (requested < 1 || requested > limits_.max_k) {
    return absl::InvalidArgumentError(fmt::format("k must be in 1..{}, got {}", limits_.max_k, requested));
  }
  return requested;
}

std::shared_ptr<const Newcomers> RecommendationEngine::NewcomersOf(const ServedModel& served) const {
  return newcomers_ != nullptr ? newcomers_->For(served.model_id) : nullptr;
}

absl::StatusOr<v1::RecommendationsResponse> RecommendationEngine::RecommendForUser(
    const v1::GetUserRecommendationsRequest& request, std::shared_ptr<const ServedModel> served) const {
  absl::StatusOr<int> k = ValidK(request.k());
  if (!k.ok()) return k.status();
  if (request.user_id() < 0) return absl::InvalidArgumentError("user_id must be a catalog id (>= 0)");
  const int64_t user_id = request.user_id();
  const bool exclude_seen = !request.has_exclude_seen() || request.exclude_seen();
  const serving::ExcludedTitlesFilter excluded(Ids(request.exclude_title_ids()));
  ASSIGN_OR_RETURN(const serving::AttributeSpec attributes, ValidAttributeSpec(request.filter()));

  if (served == nullptr) served = models_.Current();
  if (served == nullptr) return absl::UnavailableError(models_.NothingServesReason());
  std::shared_ptr<const blacklist::BlacklistSnapshot> blacklist = blacklist_.Snapshot();
  const serving::BlacklistFilter blacklisted(*blacklist, user_id);
  const std::shared_ptr<const Newcomers> newcomers = NewcomersOf(*served);
  const std::shared_ptr<const serving::FeatureTitles> new_titles = NewTitlesIn(newcomers.get());
  const WithdrawnTitles& withdrawn = WithdrawnIn(newcomers.get());
  const RequestAttributeFilter attribute_filter(*served, attributes, new_titles.get());
  const trainer::Model& model = *served->model;
  // Read only when an answer is computed: recording an interaction already drops cached answers.
  auto recent_titles = [&] { return exclude_seen ? recent_.TitlesOf(user_id) : std::vector<int64_t>(); };

  std::optional<int32_t> user = model.UserIndex(user_id);
  // A user whose interactions since the model's snapshot moved their vector (server/user_overlay.h).
  std::shared_ptr<const AdaptedUser> adapted = served->overlay ? served->overlay->Find(user_id) : nullptr;
  // A user the model was not trained on, placed by the features the catalog gives them.
  const std::shared_ptr<const serving::FeatureUsers> new_users = !user && !adapted ? NewUsersIn(newcomers.get()) : nullptr;
  const std::optional<std::vector<float>> featured =
      new_users ? new_users->Row(model, user_id) : std::optional<std::vector<float>>();
  if (!user && !adapted && !featured) {
    // Cold start: popular titles, filtered the same way (what the user consumed comes from the
    // snapshot's users outside the model and from recorded interactions). Cheap enough not to cache.
    const serving::SeenFilter seen = serving::SeenFilter::ForColdUser(
        exclude_seen ? served->cold_consumed->TitlesOf(user_id) : std::span<const int64_t>(), recent_titles());
    const serving::FilterChain filters{&excluded, &attribute_filter, &seen, &withdrawn.filter, &blacklisted};
    ASSIGN_OR_RETURN(std::vector<serving::Candidate> popular,
                     serving::PopularSource(served->popular->ranking()).Fetch(*k, filters));
    return ToResponse(serving::RankAndCut(std::move(popular), *k), v1::POPULAR, served->model_id);
  }

  const int n_titles = static_cast<int>(model.n_items()) + (new_titles ? new_titles->size() : 0);
  const int computed_length = std::min(*k + limits_.overfetch, n_titles);
  std::string variant = AnswerVariant(*k, exclude_seen, excluded.sorted_ids()) + FilterVariant(attributes) +
                        NewTitlesVariant(new_titles.get()) + WithdrawnVariant(withdrawn);
  // The row's revision keys the answer: one computed from an older row (a request racing an
  // update) is cached under a key no later read asks for.
  if (adapted) variant += fmt::format(":r{}", adapted->revision);
  if (featured) variant += fmt::format(":f{:016x}", new_users->FeaturesDigest(user_id));
  cache::CacheKey key{cache::kUserAnswers, served->model_id, user_id, std::move(variant)};
  if (auto cached = ReadCachedAnswer(cache_, key, blacklisted, *k, computed_length)) return *std::move(cached);

  const serving::SeenFilter seen =
      !exclude_seen ? serving::SeenFilter::ForColdUser({}, {})
      : user        ? serving::SeenFilter::ForModelUser(model, *user, recent_titles())
                    : serving::SeenFilter::ForColdUser(served->cold_consumed->TitlesOf(user_id), recent_titles());
  const serving::FilterChain filters{&seen, &excluded, &attribute_filter, &withdrawn.filter, &blacklisted};
  // A user adapted since the snapshot or placed by features is ranked by that row.
  const std::span<const float> user_row = adapted    ? std::span<const float>(adapted->row)
                                          : featured ? std::span<const float>(*featured)
                                                     : Row(model.serving().users(), *user);
  ASSIGN_OR_RETURN(
      std::vector<serving::Candidate> ranked,
      WithNewTitles(RankedForUser(*served, adapted ? std::nullopt : user, user_row, computed_length, filters),
                    new_titles.get(), user_row, serving::FeatureTitlesSource::Space::kScore, std::nullopt,
                    computed_length, filters));
  return CacheAndCut(cache_, key, served->model_id, serving::RankAndCut(std::move(ranked), computed_length), *k);
}

absl::StatusOr<v1::RecommendationsResponse> RecommendationEngine::SimilarTitles(
    const v1::GetTitleRelevantRequest& request, std::shared_ptr<const ServedModel> served) const {
  absl::StatusOr<int> k = ValidK(request.k());
  if (!k.ok()) return k.status();
  if (request.title_id() < 0) return absl::InvalidArgumentError("title_id must be a catalog id (>= 0)");
  ASSIGN_OR_RETURN(const serving::AttributeSpec attributes, ValidAttributeSpec(request.filter()));
  if (served == nullptr) served = models_.Current();
  if (served == nullptr) return absl::UnavailableError(models_.NothingServesReason());
  const trainer::Model& model = *served->model;
  std::optional<int32_t> item = model.ItemIndex(request.title_id());
  const std::shared_ptr<const Newcomers> newcomers = NewcomersOf(*served);
  const std::shared_ptr<const serving::FeatureTitles> new_titles = NewTitlesIn(newcomers.get());
  // A title added to the catalog after the training answers through its feature-placed row.
  const std::optional<int32_t> new_title = !item && new_titles ? new_titles->Index(request.title_id()) : std::nullopt;
  if (!item && !new_title) return absl::NotFoundError(fmt::format("unknown title {}", request.title_id()));

  std::shared_ptr<const blacklist::BlacklistSnapshot> blacklist = blacklist_.Snapshot();
  const serving::BlacklistFilter blacklisted(*blacklist, std::nullopt);
  const serving::ExcludedTitlesFilter excluded(Ids(request.exclude_title_ids()));
  const WithdrawnTitles& withdrawn = WithdrawnIn(newcomers.get());
  const int n_others = static_cast<int>(model.n_items()) + (new_titles ? new_titles->size() : 0) - 1;
  const int computed_length = std::min(*k + limits_.overfetch, n_others);
  cache::CacheKey key{cache::kSimilarTitleAnswers, served->model_id, request.title_id(),
                      AnswerVariant(*k, false, excluded.sorted_ids()) + FilterVariant(attributes) +
                          NewTitlesVariant(new_titles.get()) + WithdrawnVariant(withdrawn)};
  if (auto cached = ReadCachedAnswer(cache_, key, blacklisted, *k, computed_length)) return *std::move(cached);

  const RequestAttributeFilter attribute_filter(*served, attributes, new_titles.get());
  const serving::FilterChain filters{&excluded, &attribute_filter, &withdrawn.filter, &blacklisted};
  const std::span<const float> unit_row = item ? Row(model.serving().unit_items(), *item) : new_titles->UnitRow(*new_title);
  ASSIGN_OR_RETURN(
      std::vector<serving::Candidate> ranked,
      WithNewTitles(!item       ? serving::UnitRowSimilarSource(model, unit_row).Fetch(computed_length, filters)
                    : served->ann ? serving::AnnSimilarSource(model, served->ann->similar(), *item).Fetch(computed_length, filters)
                                  : serving::SimilarTitlesSource(model, *item).Fetch(computed_length, filters),
                    new_titles.get(), unit_row, serving::FeatureTitlesSource::Space::kCosine, request.title_id(),
                    computed_length, filters));
  return CacheAndCut(cache_, key, served->model_id, serving::RankAndCut(std::move(ranked), computed_length), *k);
}

}  // namespace vitrina::server
