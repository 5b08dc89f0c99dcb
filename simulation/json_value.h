#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace vitrina::simulation {

// A parsed JSON document that keeps what the classic protocol cares about and protobuf's JSON
// mapping hides: whether a number was written as an integer (`3`) or not (`3.0`, `3e0`).
struct JsonValue {
  enum class Kind { kNull, kBool, kInteger, kNumber, kString, kArray, kObject };

  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;  // kInteger
  double number = 0;    // kInteger and kNumber
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;

  // nullptr when this is not an object or has no such key.
  const JsonValue* Find(std::string_view key) const;
};

// Strict RFC 8259 parsing of one value (surrounding whitespace allowed); InvalidArgument says what
// is wrong and at which byte. Integers outside int64 are kNumber; nesting deeper than 64 is refused.
absl::StatusOr<JsonValue> ParseJsonValue(std::string_view text);

}  // namespace vitrina::simulation
