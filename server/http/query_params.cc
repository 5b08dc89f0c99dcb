#include "server/http/query_params.h"

#include <algorithm>

#include "common/echo_for_message.h"
#include "common/status_macros.h"
#include "fmt/format.h"
#include "common/parse_number.h"

namespace vitrina::server::http {
namespace {

absl::Status Malformed(std::string_view name, std::string_view expected, std::string_view value) {
  return absl::InvalidArgumentError(
      fmt::format("query parameter '{}' must be {}, got '{}'", name, expected, common::EchoForMessage(value)));
}

absl::Status Missing(std::string_view name) {
  return absl::InvalidArgumentError(fmt::format("missing query parameter '{}'", name));
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> QueryParams::String(std::string_view name) const {
  // Heterogeneous lookup is not available on this multimap's comparator.
  auto [first, last] = params_.equal_range(std::string(name));
  if (first == last) return std::nullopt;
  if (std::next(first) != last) {
    return absl::InvalidArgumentError(fmt::format("query parameter '{}' is given more than once", name));
  }
  return first->second;
}

template <class T>
absl::StatusOr<std::optional<T>> QueryParams::Number(std::string_view name, std::string_view expected) const {
  ASSIGN_OR_RETURN(std::optional<std::string> text, String(name));
  if (!text) return std::nullopt;
  std::optional<T> value = common::ParseNumber<T>(*text);
  if (!value) return Malformed(name, expected, *text);
  return value;
}

absl::StatusOr<std::optional<int64_t>> QueryParams::Int64(std::string_view name) const {
  return Number<int64_t>(name, "a 64-bit integer");
}

absl::StatusOr<std::optional<int32_t>> QueryParams::Int32(std::string_view name) const {
  return Number<int32_t>(name, "a 32-bit integer");
}

absl::StatusOr<std::optional<float>> QueryParams::Float(std::string_view name) const {
  return Number<float>(name, "a finite number");
}

absl::StatusOr<std::optional<double>> QueryParams::Double(std::string_view name) const {
  return Number<double>(name, "a finite number");
}

absl::StatusOr<std::optional<bool>> QueryParams::Bool(std::string_view name) const {
  ASSIGN_OR_RETURN(std::optional<std::string> text, String(name));
  if (!text) return std::nullopt;
  std::string lower = Lowercase(*text);
  if (lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  return Malformed(name, "true or false", *text);
}

absl::StatusOr<std::vector<int64_t>> QueryParams::Int64List(std::string_view name) const {
  std::vector<int64_t> values;
  auto [first, last] = params_.equal_range(std::string(name));
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (item.empty()) continue;
      std::optional<int64_t> value = common::ParseNumber<int64_t>(item);
      if (!value) return Malformed(name, "a comma-separated list of 64-bit integers", it->second);
      values.push_back(*value);
    }
  }
  return values;
}

std::vector<std::string> QueryParams::StringList(std::string_view name) const {
  std::vector<std::string> values;
  auto [first, last] = params_.equal_range(std::string(name));
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      if (!item.empty()) values.emplace_back(item);
    }
  }
  return values;
}

absl::StatusOr<int64_t> QueryParams::RequiredInt64(std::string_view name) const {
  ASSIGN_OR_RETURN(std::optional<int64_t> value, Int64(name));
  if (!value) return Missing(name);
  return *value;
}

absl::StatusOr<std::string> QueryParams::RequiredString(std::string_view name) const {
  ASSIGN_OR_RETURN(std::optional<std::string> value, String(name));
  if (!value) return Missing(name);
  return *std::move(value);
}

}  // namespace vitrina::server::http
