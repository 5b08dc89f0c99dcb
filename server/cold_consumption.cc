#include "server/cold_consumption.h"

#include <algorithm>

#include "common/atomic_file.h"
#include "common/tab_separated_pairs.h"
#include "fmt/format.h"

namespace vitrina::server {

ColdConsumption::ColdConsumption(std::vector<Pair> pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  users_.reserve(pairs.size());
  titles_.reserve(pairs.size());
  for (const auto& [user, title] : pairs) {
    users_.push_back(user);
    titles_.push_back(title);
  }
}

std::span<const int64_t> ColdConsumption::TitlesOf(int64_t user_id) const {
  auto [first, last] = std::equal_range(users_.begin(), users_.end(), user_id);
  return std::span<const int64_t>(titles_).subspan(static_cast<size_t>(first - users_.begin()),
                                                   static_cast<size_t>(last - first));
}

std::vector<ColdConsumption::Pair> ColdConsumption::pairs() const {
  std::vector<Pair> pairs;
  pairs.reserve(users_.size());
  for (size_t i = 0; i < users_.size(); ++i) pairs.emplace_back(users_[i], titles_[i]);
  return pairs;
}

absl::Status ColdConsumption::Save(const std::string& path) const {
  std::string text;
  text.reserve(users_.size() * 16);
  for (size_t i = 0; i < users_.size(); ++i) text += fmt::format("{}\t{}\n", users_[i], titles_[i]);
  return common::WriteFileAtomically(path, text);
}

absl::StatusOr<std::shared_ptr<const ColdConsumption>> ColdConsumption::Load(const std::string& path) {
  absl::StatusOr<std::vector<Pair>> pairs = common::ReadTabSeparatedPairs<int64_t, int64_t>(path, "user_id<TAB>title_id");
  if (absl::IsNotFound(pairs.status())) return std::make_shared<const ColdConsumption>();
  if (!pairs.ok()) return pairs.status();
  return std::make_shared<const ColdConsumption>(*std::move(pairs));
}

}  // namespace vitrina::server
