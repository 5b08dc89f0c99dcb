#include "server/recommendation_engine.h"

#include <algorithm>

#include "fmt/format.h"
#include "trainer/top_k.h"

namespace vitrina::server {
namespace {

// Unavailable, with the holder's note when start-up left one (a model that failed to load, no
// training coming), else the usual reason: the first training is still running.
absl::Status NothingServes(const ModelHolder& holder) {
  std::string note = holder.Note();
  return absl::UnavailableError(note.empty() ? "no model is serving yet: the first training has not finished"
                                             : std::move(note));
}

using blacklist::BlacklistSnapshot;

// Sorted, unique ids: membership by binary search, and a canonical form for the cache key.
std::vector<int64_t> SortedUnique(const google::protobuf::RepeatedField<int64_t>& ids) {
  std::vector<int64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return sorted;
}

bool Contains(const std::vector<int64_t>& sorted, int64_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

// FNV-1a over the ids: unlike absl's hashes (seeded per process) it is the same in every process,
// so replicas sharing Redis, and a restarted server, find each other's entries.
uint64_t StableHash(const std::vector<int64_t>& ids) {
  uint64_t hash = 14695981039346656037ull;
  for (int64_t id : ids) {
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (static_cast<uint64_t>(id) >> (8 * byte)) & 0xff;
      hash *= 1099511628211ull;
    }
  }
  return hash;
}

// Everything in a request that changes its answer, for the cache key.
std::string Variant(int k, bool exclude_seen, const std::vector<int64_t>& excluded) {
  if (excluded.empty()) return fmt::format("k{}:s{:d}", k, exclude_seen);
  return fmt::format("k{}:s{:d}:x{:016x}", k, exclude_seen, StableHash(excluded));
}

// Drops blacklisted titles that were cached before they were blacklisted and keeps k. Returns
// false when too few remain and the cached list was not the whole catalog: compute afresh.
bool ServeFromCache(v1::RecommendationsResponse& cached, const BlacklistSnapshot& blacklist,
                    std::optional<int64_t> user_id, int k, int computed_length) {
  auto* items = cached.mutable_items();
  bool exhaustive = items->size() < computed_length;
  auto blocked = [&](const v1::ScoredTitle& item) {
    return blacklist.IsBlocked(user_id, item.title_id());
  };
  items->erase(std::remove_if(items->begin(), items->end(), blocked), items->end());
  if (items->size() < k && !exhaustive) return false;
  if (items->size() > k) items->DeleteSubrange(k, items->size() - k);
  cached.set_from_cache(true);
  return true;
}

// The cached answer under `key` when there is one that ServeFromCache can still serve.
std::optional<v1::RecommendationsResponse> FromCache(cache::ResultCache& cache, const cache::CacheKey& key,
                                                     const BlacklistSnapshot& blacklist, std::optional<int64_t> user_id,
                                                     int k, int computed_length) {
  std::optional<std::string> payload = cache.Get(key);
  v1::RecommendationsResponse cached;
  if (!payload || !cached.ParseFromString(*payload) || !ServeFromCache(cached, blacklist, user_id, k, computed_length)) {
    return std::nullopt;
  }
  return cached;
}

// The model's ranking as an answer: cached whole (k + overfetch titles), returned cut to k.
v1::RecommendationsResponse CacheAndCut(cache::ResultCache& cache, const cache::CacheKey& key, const ServedModel& served,
                                        const std::vector<trainer::ScoredIndex>& ranked, int k) {
  v1::RecommendationsResponse answer;
  answer.set_source(v1::MODEL);
  answer.set_model_id(served.model_id);
  for (const trainer::ScoredIndex& hit : ranked) {
    v1::ScoredTitle* item = answer.add_items();
    item->set_title_id(*served.model->ItemId(hit.index));
    item->set_score(hit.score);
  }
  cache.Put(key, answer.SerializeAsString());
  if (answer.items_size() > k) answer.mutable_items()->DeleteSubrange(k, answer.items_size() - k);
  return answer;
}

}  // namespace

absl::StatusOr<int> RecommendationEngine::ValidK(int requested) const {
  if (requested == 0) return limits_.default_k;
  if (requested < 1 || requested > limits_.max_k) {
    return absl::InvalidArgumentError(fmt::format("k must be in 1..{}, got {}", limits_.max_k, requested));
  }
  return requested;
}

absl::StatusOr<v1::RecommendationsResponse> RecommendationEngine::RecommendForUser(
    const v1::GetUserRecommendationsRequest& request) const {
  absl::StatusOr<int> k = ValidK(request.k());
  if (!k.ok()) return k.status();
  if (request.user_id() <= 0) return absl::InvalidArgumentError("user_id must be a positive catalog id");
  const int64_t user_id = request.user_id();
  const bool exclude_seen = !request.has_exclude_seen() || request.exclude_seen();
  std::vector<int64_t> excluded = SortedUnique(request.exclude_title_ids());

  std::shared_ptr<const ServedModel> served = models_.Current();
  if (served == nullptr) return NothingServes(models_);
  std::shared_ptr<const BlacklistSnapshot> blacklist = blacklist_.Snapshot();
  const trainer::Model& model = *served->model;
  // Read only when an answer is computed: recording an interaction already drops cached answers.
  auto recent_titles = [&] { return exclude_seen ? recent_.TitlesOf(user_id) : std::vector<int64_t>(); };

  std::optional<int32_t> user = model.UserIndex(user_id);
  if (!user) {
    // Cold start: popular titles, filtered the same way (what the user consumed comes from the
    // snapshot's users outside the model and from recorded interactions). Cheap enough not to cache.
    std::span<const int64_t> cold_consumed = served->cold_consumed->TitlesOf(user_id);
    const std::vector<int64_t> recent = recent_titles();
    v1::RecommendationsResponse answer;
    answer.set_source(v1::POPULAR);
    answer.set_model_id(served->model_id);
    for (const data::TitlePopularity& entry : served->popular->ranking()) {
      if (answer.items_size() == *k) break;
      int64_t title = entry.title_id;
      if (Contains(excluded, title) || Contains(recent, title) || blacklist->IsBlocked(user_id, title)) continue;
      if (exclude_seen && std::binary_search(cold_consumed.begin(), cold_consumed.end(), title)) continue;
      v1::ScoredTitle* item = answer.add_items();
      item->set_title_id(title);
      item->set_score(static_cast<float>(entry.score));
    }
    return answer;
  }

  const int computed_length = std::min(*k + limits_.overfetch, static_cast<int>(model.n_items()));
  cache::CacheKey key{cache::kUserAnswers, served->model_id, user_id, Variant(*k, exclude_seen, excluded)};
  if (auto cached = FromCache(cache_, key, *blacklist, user_id, *k, computed_length)) return *std::move(cached);

  const std::vector<int64_t> recent = recent_titles();
  std::span<const int32_t> consumed = exclude_seen ? model.ConsumedItems(*user) : std::span<const int32_t>();
  auto is_excluded = [&](int32_t index) {
    if (std::binary_search(consumed.begin(), consumed.end(), index)) return true;
    int64_t title = *model.ItemId(index);
    return Contains(excluded, title) || Contains(recent, title) || blacklist->IsBlocked(user_id, title);
  };
  absl::StatusOr<std::vector<trainer::ScoredIndex>> ranked = model.TopItemsForUser(*user, computed_length, is_excluded);
  if (!ranked.ok()) return ranked.status();
  return CacheAndCut(cache_, key, *served, *ranked, *k);
}

absl::StatusOr<v1::RecommendationsResponse> RecommendationEngine::SimilarTitles(
    const v1::GetTitleRelevantRequest& request) const {
  absl::StatusOr<int> k = ValidK(request.k());
  if (!k.ok()) return k.status();
  if (request.title_id() <= 0) return absl::InvalidArgumentError("title_id must be a positive catalog id");
  std::shared_ptr<const ServedModel> served = models_.Current();
  if (served == nullptr) return NothingServes(models_);
  const trainer::Model& model = *served->model;
  std::optional<int32_t> item = model.ItemIndex(request.title_id());
  if (!item) return absl::NotFoundError(fmt::format("unknown title {}", request.title_id()));

  std::shared_ptr<const BlacklistSnapshot> blacklist = blacklist_.Snapshot();
  std::vector<int64_t> excluded = SortedUnique(request.exclude_title_ids());
  const int computed_length = std::min(*k + limits_.overfetch, static_cast<int>(model.n_items()) - 1);
  cache::CacheKey key{cache::kSimilarTitleAnswers, served->model_id, request.title_id(),
                      Variant(*k, false, excluded)};
  if (auto cached = FromCache(cache_, key, *blacklist, std::nullopt, *k, computed_length)) return *std::move(cached);

  auto is_excluded = [&](int32_t index) {
    if (index == *item) return true;
    int64_t title = *model.ItemId(index);
    return Contains(excluded, title) || blacklist->IsBlocked(std::nullopt, title);
  };
  absl::StatusOr<std::vector<trainer::ScoredIndex>> ranked = model.TopSimilarItems(*item, computed_length, is_excluded);
  if (!ranked.ok()) return ranked.status();
  return CacheAndCut(cache_, key, *served, *ranked, *k);
}

}  // namespace vitrina::server
