#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrina::server {

// Titles consumed by users the model does not know: users whose interactions made no positive
// pair (only low ratings, short views...) are left out of training, yet the popularity answer
// they get must not offer what they already consumed. Kept beside each model file like the
// popular titles, from the same data snapshot.
class ColdConsumption {
 public:
  using Pair = std::pair<int64_t, int64_t>;  // (user id, title id)

  ColdConsumption() = default;
  // Pairs in any order; duplicates are dropped.
  explicit ColdConsumption(std::vector<Pair> pairs);

  // The user's titles, sorted; empty for a user with none.
  std::span<const int64_t> TitlesOf(int64_t user_id) const;
  size_t size() const { return titles_.size(); }
  // Every pair, by user then title.
  std::vector<Pair> pairs() const;

  // A text file, one "user_id<TAB>title_id" per line, written atomically.
  absl::Status Save(const std::string& path) const;
  // No file is an empty set: models trained before this file existed load as they did.
  static absl::StatusOr<std::shared_ptr<const ColdConsumption>> Load(const std::string& path);

 private:
  std::vector<int64_t> users_;   // sorted; users_[i] consumed titles_[i]
  std::vector<int64_t> titles_;  // sorted within each user
};

}  // namespace vitrina::server
