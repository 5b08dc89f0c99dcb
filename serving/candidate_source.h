#pragma once

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "serving/candidate.h"
#include "serving/candidate_filter.h"

namespace vitrina::serving {

// Where candidates come from (the model's ranking for a user, titles similar to a title,
// popularity...). A source is built for one request's subject and asked once or a few times.
class CandidateSource {
 public:
  virtual ~CandidateSource() = default;

  // Names the source in every Candidate it produces (static storage).
  virtual std::string_view name() const = 0;
  // Up to `limit` candidates that `filter` does not reject, best first, each title once. The
  // filter is applied before the cut, so fewer than `limit` come back only when the source has no
  // more.
  virtual absl::StatusOr<std::vector<Candidate>> Fetch(int limit, const CandidateFilter& filter) const = 0;
};

}  // namespace vitrina::serving
