#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace vitrina::server::http {

// Protobuf's JSON mapping, as grpcurl prints it: lowerCamelCase names, zeros and empty lists
// printed (a client reads `"changed": 0`, not a missing key), enums by name, 64-bit integers as
// strings.
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message);

// Accepts lowerCamelCase and the .proto names alike; unknown fields are an error, so a misspelt
// field is reported instead of silently taking its default. InvalidArgument names the message.
absl::Status ParseJson(std::string_view json, google::protobuf::Message& message);

// `text` as a JSON string literal, quotes included. Bytes that are not valid UTF-8 (a query
// parameter can carry any byte) become U+FFFD, so the answer is always valid JSON.
std::string QuoteJson(std::string_view text);

}  // namespace vitrina::server::http
