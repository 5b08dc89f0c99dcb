#pragma once

#include <memory>

#include "blacklist/blacklist_manager.h"
#include "cache/result_cache.h"
#include "server/recent_consumption.h"
#include "server/catalog_newcomers.h"
#include "server/served_model.h"
#include "vitrina/v1/recommender.pb.h"

namespace vitrina::server {

struct AnswerLimits {
  int default_k = 10;
  int max_k = 1000;
  // Answers are computed and cached this many titles longer than asked, so that titles
  // blacklisted after caching can be dropped on read and the answer still has k titles.
  int overfetch = 20;
};

// GetUserRecommendations and GetTitleRelevant as compositions of the answer path's parts
// (serving/): a candidate source (the model's personal ranking, similar titles, or popularity;
// the first two from the model's ANN index when it has one, ServedModel::ann),
// filters applied inside its selection (seen, request exclusions, attribute filters, blacklist),
// the ranking step, then the cache (server/answer_cache.h). Titles added to the catalog after the
// training (NewcomersHolder) are ranked beside the model's by their feature-placed rows, and a
// user the model was not trained on is ranked by their features' row when the catalog gives them
// features the model knows (POPULAR otherwise); titles the catalog withdrew since the training
// (made unavailable) are left out like blacklisted ones. The blacklist runs again on every cache read, so
// a change to it takes effect at once.
class RecommendationEngine {
 public:
  // `newcomers`: catalog titles and users the served model was not trained on, placed by their
  // features (null: none are answered).
  RecommendationEngine(const ModelHolder& models, cache::ResultCache& cache,
                       const blacklist::BlacklistManager& blacklist, const RecentConsumption& recent,
                       AnswerLimits limits, const NewcomersHolder* newcomers = nullptr)
      : models_(models), cache_(cache), blacklist_(blacklist), recent_(recent), limits_(limits),
        newcomers_(newcomers) {}

  // `served`: the model an experiment arm chose; null: the active one.
  absl::StatusOr<v1::RecommendationsResponse> RecommendForUser(const v1::GetUserRecommendationsRequest& request,
                                                               std::shared_ptr<const ServedModel> served = nullptr) const;
  absl::StatusOr<v1::RecommendationsResponse> SimilarTitles(const v1::GetTitleRelevantRequest& request,
                                                            std::shared_ptr<const ServedModel> served = nullptr) const;

  const AnswerLimits& limits() const { return limits_; }

 private:
  absl::StatusOr<int> ValidK(int requested) const;
  // What the last catalog refresh placed for the served model, one snapshot per request (null:
  // nothing for this model).
  std::shared_ptr<const Newcomers> NewcomersOf(const ServedModel& served) const;

  const ModelHolder& models_;
  cache::ResultCache& cache_;
  const blacklist::BlacklistManager& blacklist_;
  const RecentConsumption& recent_;
  AnswerLimits limits_;
  const NewcomersHolder* newcomers_;
};

}  // namespace vitrina::server
