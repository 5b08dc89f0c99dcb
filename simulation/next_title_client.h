#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "simulation/loopback_target.h"

namespace httplib {
class Client;
}

namespace vitrina::simulation {

// What POST /next/{user} answered.
struct NextAnswer {
  int64_t track = 0;
  // The A/B arms the server put this call in ({"NAME": "ARM"}); empty when it sent none.
  std::map<std::string, std::string> experiments;
};

// The classic next-track protocol over one HTTP/1.1 keep-alive connection (not thread-safe: one
// client per worker). Every error names the call; a reply is checked strictly: HTTP 200, a JSON
// object whose "user" is the integer asked for and (for /next) whose "track" is an integer.
class NextTitleClient {
 public:
  // `policy` empty: no ?policy= parameter (the server's default preset).
  NextTitleClient(const LoopbackTarget& target, std::string policy, double timeout_seconds);
  ~NextTitleClient();

  absl::StatusOr<NextAnswer> Next(int64_t user, int64_t track, double consumed);
  absl::Status Last(int64_t user, int64_t track, double consumed);

 private:
  absl::StatusOr<std::string> Post(std::string_view route, int64_t user, int64_t track,
                                   double consumed, std::string& path);

  std::unique_ptr<httplib::Client> client_;
  std::string query_;
};

}  // namespace vitrina::simulation
