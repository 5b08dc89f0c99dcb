#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrina::server::http {

// Typed reads of a request's (already percent-decoded) query parameters. An absent parameter is
// nullopt; a malformed or repeated one is InvalidArgument naming the parameter and the value.
class QueryParams {
 public:
  explicit QueryParams(const std::multimap<std::string, std::string>& params) : params_(params) {}

  absl::StatusOr<std::optional<std::string>> String(std::string_view name) const;
  absl::StatusOr<std::optional<int64_t>> Int64(std::string_view name) const;
  absl::StatusOr<std::optional<int32_t>> Int32(std::string_view name) const;
  absl::StatusOr<std::optional<float>> Float(std::string_view name) const;
  absl::StatusOr<std::optional<double>> Double(std::string_view name) const;
  // true/false, 1/0 (any case, as Python clients write True).
  absl::StatusOr<std::optional<bool>> Bool(std::string_view name) const;
  // `name=1,2,3`, `name=1&name=2`, or both; empty items are skipped.
  absl::StatusOr<std::vector<int64_t>> Int64List(std::string_view name) const;
  // `name=a,b`, `name=a&name=b`, or both; empty items are skipped (a name cannot hold a comma).
  std::vector<std::string> StringList(std::string_view name) const;

  // Like the above, but absence is InvalidArgument too.
  absl::StatusOr<int64_t> RequiredInt64(std::string_view name) const;
  absl::StatusOr<std::string> RequiredString(std::string_view name) const;

 private:
  template <class T>
  absl::StatusOr<std::optional<T>> Number(std::string_view name, std::string_view expected) const;

  const std::multimap<std::string, std::string>& params_;
};

}  // namespace vitrina::server::http
