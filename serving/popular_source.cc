#include "serving/popular_source.h"

namespace vitrina::serving {

absl::StatusOr<std::vector<Candidate>> PopularSource::Fetch(int limit, const CandidateFilter& filter) const {
  std::vector<Candidate> candidates;
  for (const data::TitlePopularity& entry : ranking_) {
    if (static_cast<int>(candidates.size()) >= limit) break;
    if (filter.Rejects(entry.title_id)) continue;
    candidates.push_back({.title_id = entry.title_id, .score = static_cast<float>(entry.score), .source = kName});
  }
  return candidates;
}

}  // namespace vitrina::serving
