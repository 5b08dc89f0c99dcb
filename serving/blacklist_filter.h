#pragma once

#include <optional>

#include "blacklist/blacklist_snapshot.h"
#include "serving/candidate_filter.h"

namespace vitrina::serving {

// Rejects titles on the global blacklist and, for an answer to a user, on that user's list.
class BlacklistFilter final : public CandidateFilter {
 public:
  BlacklistFilter(const blacklist::BlacklistSnapshot& blacklist, std::optional<int64_t> user_id)
      : blacklist_(blacklist), user_id_(user_id) {}

  bool Rejects(int64_t title_id) const override { return blacklist_.IsBlocked(user_id_, title_id); }

 private:
  const blacklist::BlacklistSnapshot& blacklist_;
  std::optional<int64_t> user_id_;
};

}  // namespace vitrina::serving
