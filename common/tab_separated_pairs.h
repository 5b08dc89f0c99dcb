#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "common/atomic_file.h"
#include "common/parse_number.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::common {

// The lines of "A<TAB>B" numbers in `text`. DataLoss naming `source`, the line and `shape` for a line
// that is not exactly that.
template <class A, class B>
absl::StatusOr<std::vector<std::pair<A, B>>> ParseTabSeparatedPairs(std::string_view text, std::string_view source,
                                                                    std::string_view shape) {
  std::vector<std::pair<A, B>> pairs;
  std::string_view rest = text;
  for (int line = 1; !rest.empty(); ++line) {
    const size_t end = rest.find('\n');
    const std::string_view row = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const size_t tab = row.find('\t');
    const std::optional<A> first = tab == std::string_view::npos ? std::nullopt : ParseNumber<A>(row.substr(0, tab));
    const std::optional<B> second = first ? ParseNumber<B>(row.substr(tab + 1)) : std::nullopt;
    if (!second) return absl::DataLossError(fmt::format("{}:{}: expected '{}'", source, line, shape));
    pairs.emplace_back(*first, *second);
  }
  return pairs;
}

// The same for a small text file (what the server keeps beside a model file); ReadFile's errors
// (NotFound for no file) as they are.
template <class A, class B>
absl::StatusOr<std::vector<std::pair<A, B>>> ReadTabSeparatedPairs(const std::string& path, std::string_view shape) {
  ASSIGN_OR_RETURN(const std::string text, ReadFile(path));
  return ParseTabSeparatedPairs<A, B>(text, path, shape);
}

}  // namespace vitrina::common
