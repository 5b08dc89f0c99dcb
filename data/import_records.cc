#include "data/import_records.h"

#include <algorithm>
#include <array>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "common/parse_number.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

// 9999-12-31T23:59:59Z: RFC 3339 has four-digit years.
constexpr int64_t kLatestImportTime = 253402300799;

constexpr std::array kInteractionTypeColumns = {ImportColumn{"name", true},
                                                ImportColumn{"weight", true}};
enum InteractionTypeColumn { kTypeName, kTypeWeight };

constexpr std::array kTitleColumns = {ImportColumn{"id", true}, ImportColumn{"name", true},
                                      ImportColumn{"genres", false},
                                      ImportColumn{"creators", false},
                                      ImportColumn{"available", false}};
enum TitleColumn { kTitleId, kTitleName, kTitleGenres, kTitleCreators, kTitleAvailable };

constexpr std::array kUserColumns = {ImportColumn{"id", true}, ImportColumn{"features", false}};
enum UserColumn { kUserId, kUserFeatures };

constexpr std::array kInteractionColumns = {
    ImportColumn{"user_id", true}, ImportColumn{"title_id", true}, ImportColumn{"type", true},
    ImportColumn{"value", true}, ImportColumn{"time", true}};
enum InteractionColumn { kUserIdOf, kTitleIdOf, kTypeOf, kValueOf, kTimeOf };

std::string_view TrimSpaces(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Checks one row's values, remembering whether any was bad.
class RowChecker {
 public:
  RowChecker(const ImportRow& row, std::span<const ImportColumn> schema,
             const ValueProblemSink& problem)
      : row_(row), schema_(schema), problem_(problem) {}

  bool ok() const { return ok_; }

  const ImportValue& value(size_t column) const { return row_.values[column]; }

  void Report(size_t column, std::string_view what) {
    ok_ = false;
    problem_(row_.values[column].column, fmt::format("{}: {}", schema_[column].name, what));
  }

  // A scalar: an array is reported where one value is expected.
  const std::string* Scalar(size_t column) {
    const ImportValue& v = value(column);
    if (!v.present) return nullptr;
    if (v.is_array) {
      Report(column, "one value is expected, not a list");
      return nullptr;
    }
    return &v.text;
  }

  int64_t Id(size_t column) {
    const std::string* text = Scalar(column);
    if (text == nullptr) return 0;
    std::optional<int64_t> id = common::ParseNumber<int64_t>(*text);
    if (!id) {
      Report(column, fmt::format("'{}' is not an integer id", *text));
    } else if (*id < 0) {
      Report(column, fmt::format("{} is negative (ids are integers >= 0)", *id));
    }
    return id.value_or(0);
  }

  double FiniteNumber(size_t column) {
    const std::string* text = Scalar(column);
    if (text == nullptr) return 0;
    std::optional<double> number = common::ParseNumber<double>(*text);
    if (!number) Report(column, fmt::format("'{}' is not a finite number", *text));
    return number.value_or(0);
  }

  std::string Text(size_t column) {
    const std::string* text = Scalar(column);
    return text == nullptr ? std::string() : *text;
  }

  std::vector<std::string> List(size_t column) {
    const ImportValue& v = value(column);
    std::vector<std::string> items;
    if (!v.present) return items;
    auto add = [&](std::string_view item) {
      item = TrimSpaces(item);
      if (item.empty()) return;
      if (item.find('\t') != std::string_view::npos) {
        Report(column, fmt::format("item '{}' contains a tab, which the catalog cannot store",
                                   item));
        return;
      }
      if (std::find(items.begin(), items.end(), item) == items.end()) items.emplace_back(item);
    };
    if (v.is_array) {
      for (const std::string& item : v.items) add(item);
      return items;
    }
    if (!row_.lists_as_text) {
      Report(column, "a list is expected (a JSON array of strings)");
      return items;
    }
    std::string_view rest = v.text;
    while (true) {
      size_t bar = rest.find('|');
      add(rest.substr(0, bar));
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
    return items;
  }

  bool Boolean(size_t column, bool absent) {
    const std::string* text = Scalar(column);
    if (text == nullptr) return absent;
    std::string lower = *text;
    for (char& c : lower) c = absl::ascii_tolower(static_cast<unsigned char>(c));
    if (lower == "true" || lower == "1" || lower == "yes") return true;
    if (lower == "false" || lower == "0" || lower == "no") return false;
    Report(column, fmt::format("'{}' is not a boolean (true/false, 1/0, yes/no)", *text));
    return absent;
  }

  int64_t Time(size_t column) {
    const std::string* text = Scalar(column);
    if (text == nullptr) return 0;
    std::optional<int64_t> time = ParseImportTime(*text);
    if (!time) {
      Report(column, fmt::format("'{}' is not a time: unix seconds or RFC 3339 "
                                 "(2024-03-01T12:00:00Z) in the years 1970..9999",
                                 *text));
    }
    return time.value_or(0);
  }

 private:
  const ImportRow& row_;
  std::span<const ImportColumn> schema_;
  const ValueProblemSink& problem_;
  bool ok_ = true;
};

template <typename Record>
std::optional<Record> IfGood(const RowChecker& checker, Record record) {
  if (!checker.ok()) return std::nullopt;
  return record;
}

}  // namespace

std::span<const ImportColumn> InteractionTypeColumns() { return kInteractionTypeColumns; }
std::span<const ImportColumn> TitleColumns() { return kTitleColumns; }
std::span<const ImportColumn> UserColumns() { return kUserColumns; }
std::span<const ImportColumn> InteractionColumns() { return kInteractionColumns; }

std::optional<int64_t> ParseImportTime(std::string_view text) {
  std::optional<int64_t> seconds = common::ParseNumber<int64_t>(text);
  if (!seconds) {
    absl::Time time;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) {
      return std::nullopt;
    }
    seconds = absl::ToUnixSeconds(time);  // rounds down: fractions are dropped
  }
  if (*seconds < 0 || *seconds > kLatestImportTime) return std::nullopt;
  return seconds;
}

std::optional<InteractionTypeRecord> InteractionTypeFromRow(const ImportRow& row,
                                                            const ValueProblemSink& problem) {
  RowChecker checker(row, kInteractionTypeColumns, problem);
  InteractionTypeRecord record;
  record.name = checker.Text(kTypeName);
  record.weight = checker.FiniteNumber(kTypeWeight);
  if (checker.ok() && !(record.weight > 0)) {
    checker.Report(kTypeWeight, fmt::format("{} is not > 0", record.weight));
  }
  return IfGood(checker, std::move(record));
}

std::optional<TitleRecord> TitleFromRow(const ImportRow& row, const ValueProblemSink& problem) {
  RowChecker checker(row, kTitleColumns, problem);
  TitleRecord record;
  record.id = checker.Id(kTitleId);
  record.name = checker.Text(kTitleName);
  record.genres = checker.List(kTitleGenres);
  record.creators = checker.List(kTitleCreators);
  record.available = checker.Boolean(kTitleAvailable, true);
  return IfGood(checker, std::move(record));
}

std::optional<UserRecord> UserFromRow(const ImportRow& row, const ValueProblemSink& problem) {
  RowChecker checker(row, kUserColumns, problem);
  UserRecord record;
  record.id = checker.Id(kUserId);
  record.features = checker.List(kUserFeatures);
  return IfGood(checker, std::move(record));
}

std::optional<InteractionRecord> InteractionFromRow(const ImportRow& row,
                                                    const ValueProblemSink& problem) {
  RowChecker checker(row, kInteractionColumns, problem);
  InteractionRecord record;
  record.user_id = checker.Id(kUserIdOf);
  record.title_id = checker.Id(kTitleIdOf);
  record.type = checker.Text(kTypeOf);
  record.value = checker.FiniteNumber(kValueOf);
  record.timestamp = checker.Time(kTimeOf);
  return IfGood(checker, std::move(record));
}

}  // namespace vitrina::data
