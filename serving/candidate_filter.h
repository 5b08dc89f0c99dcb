#pragma once

#include <cstdint>

namespace vitrina::serving {

// A predicate on title ids: whether a title must not be answered (seen, blacklisted, excluded by
// the request...). Sources apply filters before they cut their ranking, so an answer still holds
// k titles when the catalog allows; a filter is therefore called only for the few titles that
// would enter the answer, and must be cheap and free of side effects.
class CandidateFilter {
 public:
  virtual ~CandidateFilter() = default;
  virtual bool Rejects(int64_t title_id) const = 0;
};

}  // namespace vitrina::serving
