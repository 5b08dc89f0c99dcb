#include "sessions/session_sources.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "common/status_macros.h"
#include "serving/ann_sources.h"

namespace vitrina::sessions {
namespace {

int64_t TitleAt(const trainer::Model& model, int32_t index) { return model.dataset().items().ids().IdAt(index); }

class AcceptEveryTitle final : public serving::CandidateFilter {
 public:
  bool Rejects(int64_t) const override { return false; }
};

}  // namespace

absl::StatusOr<PersonalListSource> PersonalListSource::Create(const trainer::Model& model, std::optional<int32_t> user,
                                                              int length, const PersonalListCache* cache,
                                                              const serving::HnswIndex* personal_graph) {
  if (!user) return PersonalListSource();
  PersonalListSource source(&model, *user, length, cache);
  if (cache != nullptr) {
    if (std::shared_ptr<const PersonalList> kept = cache->Find(*user, length)) {
      source.list_ = std::move(kept);
      return source;
    }
  }
  if (personal_graph == nullptr || length <= kFirstCut) {
    source.list_ = std::make_shared<const PersonalList>(PersonalList{.title_ids = {}, .scores = {}, .complete = false});  // nothing yet
    RETURN_IF_ERROR(source.Complete());
    return source;
  }
  ASSIGN_OR_RETURN(std::vector<serving::Candidate> first_cut,
                   serving::AnnPersonalSource(model, *personal_graph, *user).Fetch(kFirstCut, AcceptEveryTitle()));
  auto list = std::make_shared<PersonalList>();
  list->title_ids.reserve(first_cut.size());
  list->scores.reserve(first_cut.size());
  for (const serving::Candidate& candidate : first_cut) {
    list->title_ids.push_back(candidate.title_id);
    list->scores.push_back(candidate.score);
  }
  // A catalog of no more titles than the cut is whole already.
  list->complete = static_cast<int>(first_cut.size()) < kFirstCut || model.n_items() <= kFirstCut;
  if (cache != nullptr) cache->Put(*user, length, list);
  source.list_ = std::move(list);
  return source;
}

absl::Status PersonalListSource::Complete() const {
  if (model_ == nullptr || list_->complete) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<trainer::ScoredIndex> ranked,
                   model_->TopItemsForUser(user_, length_, [](int32_t) { return false; }));
  auto list = std::make_shared<PersonalList>(*list_);
  const absl::flat_hash_set<int64_t> head(list->title_ids.begin(), list->title_ids.end());
  list->title_ids.reserve(ranked.size());
  list->scores.reserve(ranked.size());
  for (const trainer::ScoredIndex& hit : ranked) {
    if (static_cast<int>(list->title_ids.size()) >= length_) break;
    const int64_t title = TitleAt(*model_, hit.index);
    if (head.contains(title)) continue;
    list->title_ids.push_back(title);
    list->scores.push_back(hit.score);
  }
  list->complete = true;
  if (cache_ != nullptr) cache_->Put(user_, length_, list);
  list_ = std::move(list);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<serving::Candidate>> PersonalListSource::Fetch(int limit,
                                                                          const serving::CandidateFilter& filter) const {
  std::vector<serving::Candidate> candidates;
  for (size_t i = static_cast<size_t>(std::max(start_, 0)); static_cast<int>(candidates.size()) < limit; ++i) {
    if (i >= list_->title_ids.size()) {
      if (list_->complete) break;
      RETURN_IF_ERROR(Complete());
      if (i >= list_->title_ids.size()) break;
    }
    const int64_t title = list_->title_ids[i];
    if (!filter.Rejects(title)) candidates.push_back({.title_id = title, .score = list_->scores[i], .source = kName});
  }
  return candidates;
}

absl::StatusOr<std::optional<int>> PersonalListSource::PositionOf(int64_t title_id) const {
  for (int pass = 0; pass < 2; ++pass) {
    const std::vector<int64_t>& ids = list_->title_ids;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] == title_id) return static_cast<int>(i);
    }
    if (list_->complete) break;
    RETURN_IF_ERROR(Complete());
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
  // Most titles have one creator, whose ascending list is read in place; several are merged.
  const std::span<const int32_t> creators = creators_.CreatorIdsOf(*item);
  std::vector<int32_t> merged;
  std::span<const int32_t> titles;
  if (creators.size() == 1) {
    titles = creators_.TitlesOfCreator(creators.front());
  } else {
    for (int32_t creator : creators) {
      std::span<const int32_t> of_creator = creators_.TitlesOfCreator(creator);
      const size_t before = merged.size();
      merged.insert(merged.end(), of_creator.begin(), of_creator.end());
      std::inplace_merge(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(before), merged.end());
    }
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    titles = merged;
  }
  candidates.reserve(std::min(titles.size(), static_cast<size_t>(std::max(limit, 0))));
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
