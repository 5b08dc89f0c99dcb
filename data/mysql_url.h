#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vitrina::data {

// Where a MySQL/MariaDB catalog lives, from `mysql://user:password@host:port/database`.
struct MysqlEndpoint {
  std::string host;
  int port = 3306;
  std::string user;
  std::string password;
  std::string database;

  // The URL without the password, for logs and error messages.
  std::string Redacted() const;
};

// User and password may be percent-encoded (%40 for '@', %3A for ':'); the port defaults to 3306.
// InvalidArgument names what is wrong, never echoing the password.
absl::StatusOr<MysqlEndpoint> ParseMysqlUrl(std::string_view url);

}  // namespace vitrina::data
