// The connection URLs of the config (data/mysql_url, cache/redis_endpoint). Input: a URL; it is
// parsed as a MySQL URL and as a Redis URL, as it is and with the scheme prefixed. Beyond the
// parsed fields' ranges, no message may depend on the password: the same URL with another password
// of the same shape must give the same message (and the same redacted URL).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cache/redis_endpoint.h"
#include "data/mysql_url.h"
#include "fuzz/fuzz_check.h"

namespace {

char Rotate(char c, char first, char last) { return c == last ? first : static_cast<char>(c + 1); }

// Every letter and digit of the password replaced by the next of its class; hex digits stay hex
// digits and punctuation stays, so the URL splits and percent-decodes the same way. The parsers'
// rule: the credentials end at the last '@', the password starts after their first ':'.
// nullopt when the URL has no password.
std::optional<std::string> WithOtherPassword(std::string_view url, std::string_view scheme) {
  if (!url.starts_with(scheme)) return std::nullopt;
  const size_t at = url.rfind('@');
  if (at == std::string_view::npos || at < scheme.size()) return std::nullopt;
  const size_t colon = url.substr(0, at).find(':', scheme.size());
  if (colon == std::string_view::npos || colon + 1 == at) return std::nullopt;
  std::string other(url);
  for (size_t i = colon + 1; i < at; ++i) {
    char& c = other[i];
    if (c >= '0' && c <= '9') c = Rotate(c, '0', '9');
    else if (c >= 'a' && c <= 'f') c = Rotate(c, 'a', 'f');
    else if (c >= 'A' && c <= 'F') c = Rotate(c, 'A', 'F');
    else if (c >= 'g' && c <= 'z') c = Rotate(c, 'g', 'z');
    else if (c >= 'G' && c <= 'Z') c = Rotate(c, 'G', 'Z');
  }
  return other;
}

void CheckMysql(std::string_view url) {
  const auto endpoint = vitrina::data::ParseMysqlUrl(url);
  if (endpoint.ok()) {
    FUZZ_CHECK(endpoint->port >= 1 && endpoint->port <= 65535);
    FUZZ_CHECK(!endpoint->host.empty() && !endpoint->user.empty() && !endpoint->database.empty());
  } else {
    FUZZ_CHECK(endpoint.status().code() == absl::StatusCode::kInvalidArgument);
  }
  const std::optional<std::string> other_url = WithOtherPassword(url, "mysql://");
  if (!other_url) return;
  const auto other = vitrina::data::ParseMysqlUrl(*other_url);
  FUZZ_CHECK(other.ok() == endpoint.ok());
  if (endpoint.ok()) {
    FUZZ_CHECK(other->Redacted() == endpoint->Redacted());
  } else {
    FUZZ_CHECK(other.status().message() == endpoint.status().message());
  }
}

void CheckRedis(std::string_view url) {
  const auto endpoint = vitrina::cache::ParseRedisUrl(url);
  if (endpoint.ok()) {
    FUZZ_CHECK(endpoint->port >= 1 && endpoint->port <= 65535);
    FUZZ_CHECK(endpoint->db >= 0);
    FUZZ_CHECK(!endpoint->host.empty());
  } else {
    FUZZ_CHECK(endpoint.status().code() == absl::StatusCode::kInvalidArgument);
  }
  const std::optional<std::string> other_url = WithOtherPassword(url, "redis://");
  if (!other_url) return;
  const auto other = vitrina::cache::ParseRedisUrl(*other_url);
  FUZZ_CHECK(other.ok() == endpoint.ok());
  if (endpoint.ok()) {
    FUZZ_CHECK(other->host == endpoint->host && other->port == endpoint->port && other->db == endpoint->db);
  } else {
    FUZZ_CHECK(other.status().message() == endpoint.status().message());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckMysql(text);
  CheckRedis(text);
  CheckMysql(std::string("mysql://") + std::string(text));
  CheckRedis(std::string("redis://") + std::string(text));
  return 0;
}
