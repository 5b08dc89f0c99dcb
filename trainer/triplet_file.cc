#include "trainer/triplet_file.h"

#include <charconv>
#include <cmath>
#include <string_view>

#include "common/atomic_file.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::trainer {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line, char delimiter) {
  std::vector<std::string_view> fields;
  if (delimiter == ' ') {  // runs of spaces separate
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && line[i] == ' ') ++i;
      const size_t start = i;
      while (i < line.size() && line[i] != ' ') ++i;
      if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
  }
  size_t start = 0;
  while (true) {
    const size_t end = line.find(delimiter, start);
    std::string_view field =
        line.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    fields.push_back(field);
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

template <class T>
bool ParseNumber(std::string_view field, T& out) {
  const char* end = field.data() + field.size();
  auto [ptr, error] = std::from_chars(field.data(), end, out);
  return error == std::errc() && ptr == end;
}

}  // namespace

absl::StatusOr<std::vector<TripletRow>> ReadTripletFile(const std::string& path) {
  ASSIGN_OR_RETURN(const std::string contents, common::ReadFile(path));
  return ParseTriplets(contents, path);
}

absl::StatusOr<std::vector<TripletRow>> ParseTriplets(std::string_view contents, std::string_view source) {
  std::vector<TripletRow> rows;
  char delimiter = 0;
  size_t line_start = 0;
  for (int64_t line_number = 1; line_start < contents.size(); ++line_number) {
    size_t line_end = contents.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = contents.size();
    std::string_view line(contents.data() + line_start, line_end - line_start);
    line_start = line_end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (delimiter == 0) {
      delimiter = line.find('\t') != std::string_view::npos  ? '\t'
                  : line.find(',') != std::string_view::npos ? ','
                                                             : ' ';
    }
    const std::vector<std::string_view> fields = SplitFields(line, delimiter);
    TripletRow row;
    const bool ids_ok = fields.size() >= 2 && ParseNumber(fields[0], row.user_id) &&
                        ParseNumber(fields[1], row.item_id);
    if (!ids_ok) {
      if (rows.empty() && line_number == 1) continue;  // a header line
      return absl::InvalidArgumentError(
          fmt::format("{}:{}: expected 'user item [value]' with integer ids, got '{}'", source,
                      line_number, line));
    }
    if (fields.size() >= 3) {
      float value;
      if (!ParseNumber(fields[2], value) || !std::isfinite(value)) {
        return absl::InvalidArgumentError(
            fmt::format("{}:{}: value '{}' is not a finite number", source, line_number, fields[2]));
      }
      row.value = value;
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace vitrina::trainer
