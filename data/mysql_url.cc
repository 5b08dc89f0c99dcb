#include "data/mysql_url.h"

#include "common/parse_number.h"
#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::data {
namespace {

constexpr std::string_view kScheme = "mysql://";

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> PercentDecode(std::string_view text, std::string_view what) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded.push_back(text[i]);
      continue;
    }
    int high = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      return absl::InvalidArgumentError(
          fmt::format("MySQL URL: the {} has a '%' not followed by two hex digits", what));
    }
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

}  // namespace

std::string MysqlEndpoint::Redacted() const {
  return fmt::format("mysql://{}@{}:{}/{}", user, host, port, database);
}

absl::StatusOr<MysqlEndpoint> ParseMysqlUrl(std::string_view url) {
  if (!url.starts_with(kScheme)) {
    return absl::InvalidArgumentError(
        "MySQL URL must look like mysql://user:password@host:port/database");
  }
  std::string_view rest = url.substr(kScheme.size());
  // The password may contain '@' only percent-encoded, so the last '@' ends the credentials.
  size_t at = rest.rfind('@');
  if (at == std::string_view::npos) {
    return absl::InvalidArgumentError("MySQL URL has no user (mysql://user:password@host/db)");
  }
  std::string_view credentials = rest.substr(0, at);
  std::string_view location = rest.substr(at + 1);

  MysqlEndpoint endpoint;
  size_t colon = credentials.find(':');
  ASSIGN_OR_RETURN(endpoint.user, PercentDecode(credentials.substr(0, colon), "user"));
  if (colon != std::string_view::npos) {
    ASSIGN_OR_RETURN(endpoint.password, PercentDecode(credentials.substr(colon + 1), "password"));
  }
  if (endpoint.user.empty()) return absl::InvalidArgumentError("MySQL URL has an empty user");

  size_t slash = location.find('/');
  if (slash == std::string_view::npos || slash + 1 == location.size()) {
    return absl::InvalidArgumentError(
        fmt::format("MySQL URL {}: no database after the host", endpoint.Redacted()));
  }
  endpoint.database = std::string(location.substr(slash + 1));
  std::string_view host_port = location.substr(0, slash);
  size_t port_colon = host_port.rfind(':');
  endpoint.host = std::string(host_port.substr(0, port_colon));
  if (port_colon != std::string_view::npos) {
    std::string_view port = host_port.substr(port_colon + 1);
    const std::optional<int> number = common::ParseNumber<int>(port);
    if (!number || *number <= 0 || *number > 65535) {
      return absl::InvalidArgumentError(fmt::format("MySQL URL: bad port '{}'", port));
    }
    endpoint.port = *number;
  }
  if (endpoint.host.empty()) return absl::InvalidArgumentError("MySQL URL has an empty host");
  if (endpoint.database.find_first_of("/?") != std::string::npos) {
    return absl::InvalidArgumentError(
        fmt::format("MySQL URL: bad database name '{}'", endpoint.database));
  }
  return endpoint;
}

}  // namespace vitrina::data
