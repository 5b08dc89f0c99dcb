#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "registry/unix_time.h"

namespace vitrina::blacklist {

// A title nobody (global entry) or one user must be recommended.
struct BlacklistEntry {
  int64_t title_id = 0;
  std::optional<int64_t> user_id;  // unset: the global blacklist
  std::string reason;
  registry::UnixSeconds created_at = 0;

  friend bool operator==(const BlacklistEntry&, const BlacklistEntry&) = default;
};

}  // namespace vitrina::blacklist
