#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sessions/next_title_model.h"
#include "trainer/model.h"

namespace vitrina::sessions {

// The learned next-title model (a NEXT_TITLE training): its "users" are previous titles, its
// items the titles that followed them, so the titles that follow a title are that "user"'s top
// items. A title the model does not know as a previous one (added to the catalog after it was
// trained) is answered by `fallback` (the embedding stand-in).
class LearnedNextTitles final : public NextTitleModel {
 public:
  LearnedNextTitles(const trainer::Model& learned, const NextTitleModel& fallback)
      : learned_(learned), fallback_(fallback) {}

  absl::StatusOr<std::vector<serving::Candidate>> NextTitles(int64_t title_id, int limit,
                                                             const serving::CandidateFilter& filter) const override;

 private:
  const trainer::Model& learned_;
  const NextTitleModel& fallback_;
};

}  // namespace vitrina::sessions
