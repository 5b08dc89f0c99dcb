#include "server/admin_auth.h"

namespace vitrina::server {
namespace {

// Compares in time independent of where the first difference is, so that response timing does
// not reveal a prefix of the token.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

absl::Status AdminAuth::Check(std::string_view header) const {
  if (!enabled()) return absl::OkStatus();
  if (header.empty()) {
    return absl::UnauthenticatedError("admin calls need 'authorization: Bearer <token>'");
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (header.substr(0, kBearer.size()) != kBearer || !ConstantTimeEquals(header.substr(kBearer.size()), token_)) {
    return absl::PermissionDeniedError("wrong admin token");
  }
  return absl::OkStatus();
}

}  // namespace vitrina::server
