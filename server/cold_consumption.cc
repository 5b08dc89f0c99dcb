#include "server/cold_consumption.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/status_macros.h"
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
  if (!std::filesystem::exists(path)) return std::make_shared<const ColdConsumption>();
  ASSIGN_OR_RETURN(std::string text, common::ReadFile(path));
  std::vector<Pair> pairs;
  std::string_view rest = text;
  int line = 0;
  while (!rest.empty()) {
    ++line;
    size_t end = rest.find('\n');
    std::string_view row = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const char* row_end = row.data() + row.size();
    Pair pair;
    auto user = std::from_chars(row.data(), row_end, pair.first);
    bool ok = user.ec == std::errc() && user.ptr != row_end && *user.ptr == '\t';
    if (ok) {
      auto title = std::from_chars(user.ptr + 1, row_end, pair.second);
      ok = title.ec == std::errc() && title.ptr == row_end;
    }
    if (!ok) return absl::DataLossError(fmt::format("{}:{}: expected 'user_id<TAB>title_id'", path, line));
    pairs.push_back(pair);
  }
  return std::make_shared<const ColdConsumption>(std::move(pairs));
}

}  // namespace vitrina::server
