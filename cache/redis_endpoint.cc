#include "cache/redis_endpoint.h"

#include <optional>

#include "common/parse_number.h"
#include "fmt/format.h"

namespace vitrina::cache {
namespace {

constexpr std::string_view kScheme = "redis://";

absl::Status UrlError(std::string_view problem) {
  return absl::InvalidArgumentError(
      fmt::format("redis url: {} (expected redis://[:password@]host[:port][/db])", problem));
}

}  // namespace

absl::StatusOr<RedisEndpoint> ParseRedisUrl(std::string_view url) {
  if (!url.starts_with(kScheme)) return UrlError("the scheme must be redis://");
  std::string_view rest = url.substr(kScheme.size());
  RedisEndpoint endpoint;

  // The last '@' ends the credentials, so a password may contain '@', ':' or '/'.
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view credentials = rest.substr(0, at);
    if (!credentials.starts_with(':')) {
      return UrlError("credentials must be ':password@' (user names are not supported)");
    }
    if (credentials.size() == 1) return UrlError("the password after ':' is empty");
    endpoint.password = std::string(credentials.substr(1));
    rest = rest.substr(at + 1);
  }

  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);

  std::string_view port;
  bool has_port = false;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return UrlError("'[' of an IPv6 host is not closed");
    endpoint.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) {
      return UrlError(fmt::format("unexpected '{}' after the IPv6 host", after));
    }
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    has_port = colon != std::string_view::npos;
    if (has_port) port = authority.substr(colon + 1);
  }
  if (endpoint.host.empty()) return UrlError("the host is empty");
  if (has_port) {
    const std::optional<int> number = common::ParseNumber<int>(port);
    if (!number || *number < 1 || *number > 65535) {
      return UrlError(fmt::format("port '{}' is not a number in 1..65535", port));
    }
    endpoint.port = *number;
  }
  if (!path.empty()) {
    const std::optional<int> number = common::ParseNumber<int>(path);
    if (!number || *number < 0) {
      return UrlError(fmt::format("database '{}' is not a non-negative number", path));
    }
    endpoint.db = *number;
  }
  return endpoint;
}

}  // namespace vitrina::cache
