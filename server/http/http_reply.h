#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace vitrina::server::http {

// What the gateway answers to one request, plus the canonical code request metrics record for it
// (an HTTP status alone cannot tell UNAVAILABLE from a 503 written by hand).
struct HttpReply {
  absl::StatusCode code = absl::StatusCode::kOk;
  int http_status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// 200 with a JSON body.
HttpReply JsonReply(std::string body);

// 200 with the message in protobuf's JSON mapping (see json_codec.h).
absl::StatusOr<HttpReply> MessageReply(const google::protobuf::Message& message);

// The HTTP status of a canonical code. FAILED_PRECONDITION is 409 (the resource is in a state
// that forbids the call, e.g. deleting the active model); 412 is for conditional headers.
int HttpStatusFor(absl::StatusCode code);

// `{"code":"NOT_FOUND","message":"..."}` with the HTTP status of the code; UNAUTHENTICATED adds
// `WWW-Authenticate: Bearer`.
HttpReply ErrorReply(const absl::Status& status);

}  // namespace vitrina::server::http
