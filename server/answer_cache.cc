#include "server/answer_cache.h"

#include <algorithm>

#include "common/stable_hash.h"
#include "fmt/format.h"

namespace vitrina::server {
std::string AnswerVariant(int k, bool exclude_seen, std::span<const int64_t> excluded) {
  if (excluded.empty()) return fmt::format("k{}:s{:d}", k, exclude_seen);
  return fmt::format("k{}:s{:d}:x{:016x}", k, exclude_seen, StableHashOfIds(excluded));
}

std::optional<v1::RecommendationsResponse> ReadCachedAnswer(cache::ResultCache& cache, const cache::CacheKey& key,
                                                            const serving::CandidateFilter& blacklisted, int k,
                                                            int computed_length) {
  std::optional<std::string> payload = cache.Get(key);
  v1::RecommendationsResponse cached;
  if (!payload || !cached.ParseFromString(*payload)) return std::nullopt;
  auto* items = cached.mutable_items();
  const bool exhaustive = items->size() < computed_length;
  items->erase(std::remove_if(items->begin(), items->end(),
                              [&](const v1::ScoredTitle& item) { return blacklisted.Rejects(item.title_id()); }),
               items->end());
  if (items->size() < k && !exhaustive) return std::nullopt;
  if (items->size() > k) items->DeleteSubrange(k, items->size() - k);
  cached.set_from_cache(true);
  return cached;
}

v1::RecommendationsResponse CacheAndCut(cache::ResultCache& cache, const cache::CacheKey& key, int64_t model_id,
                                        const std::vector<serving::Candidate>& ranked, int k) {
  v1::RecommendationsResponse answer = ToResponse(ranked, v1::MODEL, model_id);
  cache.Put(key, answer.SerializeAsString());
  if (answer.items_size() > k) answer.mutable_items()->DeleteSubrange(k, answer.items_size() - k);
  return answer;
}

v1::RecommendationsResponse ToResponse(const std::vector<serving::Candidate>& candidates, v1::Source source,
                                       int64_t model_id) {
  v1::RecommendationsResponse answer;
  answer.set_source(source);
  answer.set_model_id(model_id);
  answer.mutable_items()->Reserve(static_cast<int>(candidates.size()));
  for (const serving::Candidate& candidate : candidates) {
    v1::ScoredTitle* item = answer.add_items();
    item->set_title_id(candidate.title_id);
    item->set_score(candidate.score);
  }
  return answer;
}

}  // namespace vitrina::server
