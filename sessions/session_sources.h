#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "serving/candidate_source.h"
#include "sessions/creator_index.h"
#include "sessions/next_title_model.h"
#include "trainer/model.h"
#include "trainer/random.h"

namespace vitrina::sessions {

// The user's personal ranked list (the model's best `length` titles for the user, unfiltered, so
// that a position means the same title from call to call), walked from a start position:
// candidates are the admissible titles from there on, in list order.
class PersonalListSource final : public serving::CandidateSource {
 public:
  static constexpr std::string_view kName = "personal_list";

  // `user` is the model's index of the user; an empty list when the model does not know it.
  static absl::StatusOr<PersonalListSource> Create(const trainer::Model& model, std::optional<int32_t> user, int length);

  std::string_view name() const override { return kName; }
  absl::StatusOr<std::vector<serving::Candidate>> Fetch(int limit, const serving::CandidateFilter& filter) const override;

  void set_start(int position) { start_ = position; }
  // The position of a title in the list.
  std::optional<int> PositionOf(int64_t title_id) const;
  int size() const { return static_cast<int>(list_.size()); }

 private:
  std::vector<serving::Candidate> list_;
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
