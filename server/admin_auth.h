#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace vitrina::server {

// Checks an `authorization` header value against the configured admin token. An empty token
// turns the check off (the embedded default); otherwise the value must be "Bearer <token>".
class AdminAuth {
 public:
  explicit AdminAuth(std::string token) : token_(std::move(token)) {}

  bool enabled() const { return !token_.empty(); }
  // `header` is empty when the caller sent none.
  absl::Status Check(std::string_view header) const;

 private:
  std::string token_;
};

}  // namespace vitrina::server
