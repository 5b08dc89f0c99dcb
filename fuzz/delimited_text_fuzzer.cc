// The delimited text readers: interactions files (trainer/triplet_file), the "A<TAB>B" files kept
// beside a model (common/tab_separated_pairs) and the tab-joined list columns (data/list_column).
// Input: the text of a file. Whatever a reader accepts must survive being written out in the
// reader's own format and read again.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/tab_separated_pairs.h"
#include "data/list_column.h"
#include "fmt/format.h"
#include "fuzz/fuzz_check.h"
#include "trainer/triplet_file.h"

namespace {

void CheckTriplets(std::string_view text) {
  const auto rows = vitrina::trainer::ParseTriplets(text, "fuzz");
  if (!rows.ok()) {
    FUZZ_CHECK(rows.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  std::string written;
  for (const auto& row : *rows) {
    FUZZ_CHECK(!row.value || std::isfinite(*row.value));
    // fmt prints the shortest text that reads back as the same float.
    written += row.value ? fmt::format("{}\t{}\t{}\n", row.user_id, row.item_id, *row.value)
                         : fmt::format("{}\t{}\n", row.user_id, row.item_id);
  }
  const auto reread = vitrina::trainer::ParseTriplets(written, "rewritten");
  FUZZ_CHECK(reread.ok());
  FUZZ_CHECK(reread->size() == rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    FUZZ_CHECK((*reread)[i].user_id == (*rows)[i].user_id);
    FUZZ_CHECK((*reread)[i].item_id == (*rows)[i].item_id);
    FUZZ_CHECK((*reread)[i].value == (*rows)[i].value);
  }
}

template <class A, class B>
void CheckPairs(std::string_view text) {
  const auto pairs = vitrina::common::ParseTabSeparatedPairs<A, B>(text, "fuzz", "a<TAB>b");
  if (!pairs.ok()) {
    FUZZ_CHECK(pairs.status().code() == absl::StatusCode::kDataLoss);
    return;
  }
  std::vector<std::string> lines;
  for (const auto& [a, b] : *pairs) {
    if constexpr (std::is_floating_point_v<B>) FUZZ_CHECK(std::isfinite(b));
    lines.push_back(fmt::format("{}\t{}", a, b));
  }
  const auto reread =
      vitrina::common::ParseTabSeparatedPairs<A, B>(fmt::format("{}", fmt::join(lines, "\n")), "rewritten", "a<TAB>b");
  FUZZ_CHECK(reread.ok());
  FUZZ_CHECK(*reread == *pairs);
}

void CheckListColumn(std::string_view text) {
  const std::vector<std::string> items = vitrina::data::SplitListColumn(text);
  for (const std::string& item : items) {
    FUZZ_CHECK(!item.empty());
    FUZZ_CHECK(item.find(vitrina::data::kListSeparator) == std::string::npos);
  }
  const std::string joined = fmt::format("{}", fmt::join(items, std::string_view(&vitrina::data::kListSeparator, 1)));
  FUZZ_CHECK(vitrina::data::SplitListColumn(joined) == items);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckTriplets(text);
  CheckPairs<int64_t, double>(text);
  CheckPairs<int64_t, int64_t>(text);
  CheckListColumn(text);
  return 0;
}
