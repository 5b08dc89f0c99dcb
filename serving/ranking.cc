#include "serving/ranking.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"

namespace vitrina::serving {

std::vector<Candidate> RankAndCut(std::vector<Candidate> candidates, int k) {
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  // A source never yields a title twice: one source's list needs no duplicate check (the common
  // case, on every cache miss).
  const bool one_source = std::all_of(candidates.begin(), candidates.end(), [&](const Candidate& candidate) {
    return candidate.source == candidates.front().source;
  });
  if (one_source) {
    if (static_cast<int>(candidates.size()) > k) candidates.resize(static_cast<size_t>(std::max(k, 0)));
    return candidates;
  }
  absl::flat_hash_set<int64_t> kept;
  std::vector<Candidate> ranked;
  ranked.reserve(std::min(candidates.size(), static_cast<size_t>(std::max(k, 0))));
  for (Candidate& candidate : candidates) {
    if (static_cast<int>(ranked.size()) >= k) break;
    if (kept.insert(candidate.title_id).second) ranked.push_back(std::move(candidate));
  }
  return ranked;
}

void DropRejected(std::vector<Candidate>& candidates, const CandidateFilter& filter) {
  std::erase_if(candidates, [&](const Candidate& candidate) { return filter.Rejects(candidate.title_id); });
}

}  // namespace vitrina::serving
