#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cache/result_cache.h"
#include "serving/candidate.h"
#include "serving/candidate_filter.h"
#include "vitrina/v1/recommender.pb.h"

namespace vitrina::server {

// The cache step of the answer path. An answer is cached as ranked, `computed_length` titles long
// (k plus an overfetch) and before the blacklist, which runs again on every read: a title
// blacklisted after caching is dropped at once and the answer still has k titles.

// Everything in a request that changes its answer, for the cache key (`excluded` sorted, unique).
std::string AnswerVariant(int k, bool exclude_seen, std::span<const int64_t> excluded);

// The cached answer under `key` with the titles `blacklisted` rejects dropped, cut to k; nullopt
// when there is none, or too few titles remain and the cached list was not the whole catalog
// (then the answer must be computed afresh).
std::optional<v1::RecommendationsResponse> ReadCachedAnswer(cache::ResultCache& cache, const cache::CacheKey& key,
                                                            const serving::CandidateFilter& blacklisted, int k,
                                                            int computed_length);

// The ranked candidates as an answer: cached whole, returned cut to k.
v1::RecommendationsResponse CacheAndCut(cache::ResultCache& cache, const cache::CacheKey& key, int64_t model_id,
                                        const std::vector<serving::Candidate>& ranked, int k);

// Candidates as the API's answer, in their order.
v1::RecommendationsResponse ToResponse(const std::vector<serving::Candidate>& candidates, v1::Source source,
                                       int64_t model_id);

}  // namespace vitrina::server
