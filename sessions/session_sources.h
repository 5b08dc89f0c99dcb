#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "serving/candidate_source.h"
#include "serving/hnsw_index.h"
#include "sessions/creator_index.h"
#include "sessions/next_title_model.h"
#include "sessions/personal_list_cache.h"
#include "trainer/model.h"
#include "trainer/random.h"

namespace vitrina::sessions {

// The user's personal ranked list (the model's best `length` titles for the user, unfiltered, so
// that a position means the same title from call to call), walked from a start position:
// candidates are the admissible titles from there on, in list order.
//
// With the model's HNSW graph of title vectors (large catalogs), a user's list starts as a first
// cut: the graph's kFirstCut best titles, exactly rescored (AnnPersonalSource), a few hundred
// microseconds instead of a pass over every title. Only a walk past its end (a user who has
// listened that far down, or a position asked of a title it does not hold) completes it with one
// exact pass: the first cut stays the list's head, in its order, and the exact ranking's other
// titles follow, so the positions already used keep their titles.
class PersonalListSource final : public serving::CandidateSource {
 public:
  static constexpr std::string_view kName = "personal_list";
  static constexpr int kFirstCut = 100;

  // `user` is the model's index of the user; an empty list when the model does not know it. With a
  // cache (of this model's lists), a list computed before is reused and a new one is kept.
  // `personal_graph` indexes model.serving().items() (ModelAnnIndex::personal); null: exact lists.
  static absl::StatusOr<PersonalListSource> Create(const trainer::Model& model, std::optional<int32_t> user, int length,
                                                   const PersonalListCache* cache = nullptr,
                                                   const serving::HnswIndex* personal_graph = nullptr);

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<serving::Candidate>> Fetch(int limit, const serving::CandidateFilter& filter) const override;

  void set_start(int position) { start_ = position; }
  // The position of a title in the list (a first cut that does not hold it is completed first).
  absl::StatusOr<std::optional<int>> PositionOf(int64_t title_id) const;
  // The titles the list holds so far (a first cut holds kFirstCut).
  int size() const { return static_cast<int>(list_->title_ids.size()); }

 private:
  PersonalListSource(const trainer::Model* model, int32_t user, int length, const PersonalListCache* cache)
      : model_(model), user_(user), length_(length), cache_(cache) {}
  PersonalListSource() = default;

  // Replaces a first cut by the whole list (and keeps that in the cache).
  absl::Status Complete() const;

  const trainer::Model* model_ = nullptr;  // null: no list (an unknown user)
  int32_t user_ = 0;
  int length_ = 0;
  const PersonalListCache* cache_ = nullptr;
  // Completed on demand by the const Fetch and PositionOf: a source serves one call on one thread.
  mutable std::shared_ptr<const PersonalList> list_ = std::make_shared<const PersonalList>();
  int start_ = 0;
};

// The next-title model's titles after one title.
class NextTitleSource final : public serving::CandidateSource {
 public:
  NextTitleSource(const NextTitleModel& model, int64_t title_id) : model_(model), title_id_(title_id) {}
  std::string_view name() const override { return EmbeddingNextTitles::kName; }
  absl::StatusOr<std::vector<serving::Candidate>> Fetch(int limit, const serving::CandidateFilter& filter) const override {
    return model_.NextTitles(title_id_, limit, filter);
  }

 private:
  const NextTitleModel& model_;
  int64_t title_id_;
};

// Titles similar to one title by alpha * cos(title) + (1 - alpha) * cos(creators) (CreatorIndex).
class CreatorBlendSource final : public serving::CandidateSource {
 public:
  static constexpr std::string_view kName = "creator_blend";

  CreatorBlendSource(const trainer::Model& model, const CreatorIndex& creators, int64_t title_id, double alpha)
      : model_(model), creators_(creators), title_id_(title_id), alpha_(alpha) {}
  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<serving::Candidate>> Fetch(int limit, const serving::CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  const CreatorIndex& creators_;
  int64_t title_id_;
  double alpha_;
};

// The other titles of one title's creators, in catalog order (a pick draws among them).
class SameCreatorSource final : public serving::CandidateSource {
 public:
  static constexpr std::string_view kName = "same_creator";

  SameCreatorSource(const trainer::Model& model, const CreatorIndex& creators, int64_t title_id)
      : model_(model), creators_(creators), title_id_(title_id) {}
  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<serving::Candidate>> Fetch(int limit, const serving::CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  const CreatorIndex& creators_;
  int64_t title_id_;
};

// Titles drawn uniformly from the model's catalog, each admissible one with the same chance
// (inadmissible draws are drawn again; when nearly the whole catalog is ruled out, the first
// admissible titles after a random position). A candidate's probability is 1 / catalog size: the
// chance of the draw that produced it; with r titles rejected the exact chance is 1 / (n - r),
// which differs only by the few titles a session rules out of a catalog of thousands.
class RandomSource final : public serving::CandidateSource {
 public:
  static constexpr std::string_view kName = "random";

  RandomSource(const trainer::Model& model, trainer::Pcg32& rng) : model_(model), rng_(rng) {}
  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<serving::Candidate>> Fetch(int limit, const serving::CandidateFilter& filter) const override;

 private:
  const trainer::Model& model_;
  trainer::Pcg32& rng_;
};

}  // namespace vitrina::sessions
