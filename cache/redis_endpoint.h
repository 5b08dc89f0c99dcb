#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace vitrina::cache {

// Where a Redis server is and how to log in to it.
struct RedisEndpoint {
  std::string host{};
  int port = 6379;
  std::string password{};  // empty: no AUTH
  int db = 0;              // SELECTed on connect when not 0
};

// Parses `redis://[:password@]host[:port][/db]`; host may be an IPv6 literal in brackets. Port
// defaults to 6379 and db to 0. InvalidArgument names the faulty part; messages never contain the
// password.
absl::StatusOr<RedisEndpoint> ParseRedisUrl(std::string_view url);

}  // namespace vitrina::cache
