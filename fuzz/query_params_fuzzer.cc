// The HTTP edge's typed query parameter reads (server/http/query_params). Input: a decoded query
// string, `name=value` pairs joined by '&' (the split is this harness's; cpp-httplib decodes and
// splits in production). Every reader is checked against the C library's own conversion.
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "server/http/query_params.h"

namespace {

using vitrina::server::http::QueryParams;

bool IsDecimalInteger(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// strtoll's value of a text IsDecimalInteger accepts; false when it overflows `T`.
template <class T>
bool ReferenceInteger(const std::string& text, T& out) {
  errno = 0;
  const long long value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE || value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max()) return false;
  out = static_cast<T>(value);
  return true;
}

template <class T>
void CheckInteger(const absl::StatusOr<std::optional<T>>& read, const std::string& text) {
  T expected{};
  const bool valid = IsDecimalInteger(text) && ReferenceInteger(text, expected);
  FUZZ_CHECK(read.ok() == valid);
  if (valid) FUZZ_CHECK(**read == expected);
}

template <class T>
void CheckReal(const absl::StatusOr<std::optional<T>>& read, const std::string& text) {
  if (!read.ok()) {
    FUZZ_CHECK(read.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(std::string(read.status().message()).find("finite number") != std::string::npos);
    return;
  }
  const T value = **read;
  FUZZ_CHECK(std::isfinite(value));
  // Whatever from_chars accepted, strtod/strtof read the same way (both round correctly).
  char* end = nullptr;
  const T expected = std::is_same_v<T, float> ? std::strtof(text.c_str(), &end) : std::strtod(text.c_str(), &end);
  FUZZ_CHECK(end == text.c_str() + text.size());
  FUZZ_CHECK(value == expected);
}

void CheckParameter(const QueryParams& query, const std::multimap<std::string, std::string>& params,
                    const std::string& name) {
  const size_t count = params.count(name);
  const auto string = query.String(name);
  FUZZ_CHECK(string.ok() == (count <= 1));
  if (count == 0) {
    FUZZ_CHECK(!string->has_value());
    FUZZ_CHECK(!query.RequiredInt64(name).ok());
    FUZZ_CHECK(!query.RequiredString(name).ok());
  }
  if (count == 1) {
    const std::string& text = params.find(name)->second;
    FUZZ_CHECK(**string == text);
    CheckInteger(query.Int64(name), text);
    CheckInteger(query.Int32(name), text);
    CheckReal(query.Float(name), text);
    CheckReal(query.Double(name), text);
    const auto flag = query.Bool(name);
    std::string lower = text;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    FUZZ_CHECK(flag.ok() == (lower == "true" || lower == "1" || lower == "false" || lower == "0"));
    if (flag.ok()) FUZZ_CHECK(**flag == (lower == "true" || lower == "1"));
  }
  if (count > 1) {
    FUZZ_CHECK(!query.Int64(name).ok());
    FUZZ_CHECK(!query.Bool(name).ok());
  }

  // A list reads every occurrence: each non-empty comma-separated item is one value.
  const auto list = query.Int64List(name);
  std::vector<int64_t> expected;
  bool valid = true;
  for (auto [it, last] = params.equal_range(name); it != last; ++it) {
    std::string_view rest = it->second;
    while (valid) {
      const size_t comma = rest.find(',');
      const std::string item(rest.substr(0, comma));
      int64_t value = 0;
      if (!item.empty()) {
        valid = IsDecimalInteger(item) && ReferenceInteger(item, value);
        expected.push_back(value);
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  FUZZ_CHECK(list.ok() == valid);
  if (valid) FUZZ_CHECK(*list == expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::multimap<std::string, std::string> params;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    params.emplace(std::string(pair.substr(0, eq)),
                   eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  const QueryParams query(params);
  std::set<std::string> names = {"k", "user_id", "exclude"};  // one absent name at least
  for (const auto& [name, value] : params) names.insert(name);
  for (const std::string& name : names) CheckParameter(query, params, name);
  return 0;
}
