#include "sessions/session_sources.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"

namespace vitrina::sessions {
namespace {

int64_t TitleAt(const trainer::Model& model, int32_t index) { return model.dataset().items().ids().IdAt(index); }

}  // namespace

absl::StatusOr<PersonalListSource> PersonalListSource::Create(const trainer::Model& model, std::optional<int32_t> user,
                                                              int length) {
  PersonalListSource source;
  if (!user) return source;
  absl::StatusOr<std::vector<trainer::ScoredIndex>> ranked =
      model.TopItemsForUser(*user, length, [](int32_t) { return false; });
  if (!ranked.ok()) return ranked.status();
  source.list_.reserve(ranked->size());
  for (const trainer::ScoredIndex& hit : *ranked) {
    source.list_.push_back({.title_id = TitleAt(model, hit.index), .score = hit.score, .source = kName});
  }
  return source;
}

absl::StatusOr<std::vector<serving::Candidate>> PersonalListSource::Fetch(int limit,
                                                                          const serving::CandidateFilter& filter) const {
  std::vector<serving::Candidate> candidates;
  for (size_t i = static_cast<size_t>(std::max(start_, 0)); i < list_.size(); ++i) {
    if (static_cast<int>(candidates.size()) >= limit) break;
    if (!filter.Rejects(list_[i].title_id)) candidates.push_back(list_[i]);
  }
  return candidates;
}

std::optional<int> PersonalListSource::PositionOf(int64_t title_id) const {
  for (size_t i = 0; i < list_.size(); ++i) {
    if (list_[i].title_id == title_id) return static_cast<int>(i);
  }
  return std::nullopt;
}

absl::StatusOr<std::vector<serving::Candidate>> CreatorBlendSource::Fetch(int limit,
                                                                          const serving::CandidateFilter& filter) const {
  std::vector<serving::Candidate> candidates;
  std::optional<int32_t> item = model_.ItemIndex(title_id_);
  if (!item) return candidates;
  for (const trainer::ScoredIndex& hit : creators_.TopBlended(
           *item, alpha_, limit, [&](int32_t index) { return filter.Rejects(TitleAt(model_, index)); })) {
    candidates.push_back({.title_id = TitleAt(model_, hit.index), .score = hit.score, .source = kName});
  }
  return candidates;
}

absl::StatusOr<std::vector<serving::Candidate>> SameCreatorSource::Fetch(int limit,
                                                                         const serving::CandidateFilter& filter) const {
  std::vector<serving::Candidate> candidates;
  std::optional<int32_t> item = model_.ItemIndex(title_id_);
  if (!item) return candidates;
  std::vector<int32_t> titles;
  for (const std::string& creator : creators_.CreatorsOf(*item)) {
    std::span<const int32_t> of_creator = creators_.TitlesOf(creator);
    titles.insert(titles.end(), of_creator.begin(), of_creator.end());
  }
  std::sort(titles.begin(), titles.end());
  titles.erase(std::unique(titles.begin(), titles.end()), titles.end());
  for (int32_t index : titles) {
    if (static_cast<int>(candidates.size()) >= limit) break;
    const int64_t title = TitleAt(model_, index);
    if (index == *item || filter.Rejects(title)) continue;
    candidates.push_back({.title_id = title, .score = 0, .source = kName});
  }
  return candidates;
}

absl::StatusOr<std::vector<serving::Candidate>> RandomSource::Fetch(int limit, const serving::CandidateFilter& filter) const {
  std::vector<serving::Candidate> candidates;
  const auto n = static_cast<uint32_t>(model_.n_items());
  if (n == 0 || limit <= 0) return candidates;
  absl::flat_hash_set<int32_t> drawn;
  // Enough draws to find `limit` admissible titles unless nearly the whole catalog is ruled out.
  const int64_t max_draws = 64 + 16 * static_cast<int64_t>(limit);
  for (int64_t draw = 0; draw < max_draws && static_cast<int>(candidates.size()) < limit; ++draw) {
    const auto index = static_cast<int32_t>(rng_.Below(n));
    if (!drawn.insert(index).second) continue;
    const int64_t title = TitleAt(model_, index);
    if (filter.Rejects(title)) continue;
    candidates.push_back({.title_id = title, .score = 0, .source = kName, .probability = 1.0 / n});
  }
  // Nearly everything is ruled out: walk the catalog from a random position instead of drawing.
  const auto start = static_cast<int32_t>(rng_.Below(n));
  for (uint32_t step = 0; step < n && static_cast<int>(candidates.size()) < limit; ++step) {
    const auto index = static_cast<int32_t>((static_cast<uint32_t>(start) + step) % n);
    if (drawn.contains(index)) continue;
    const int64_t title = TitleAt(model_, index);
    if (filter.Rejects(title)) continue;
    candidates.push_back({.title_id = title, .score = 0, .source = kName, .probability = 1.0 / n});
  }
  return candidates;
}

}  // namespace vitrina::sessions
