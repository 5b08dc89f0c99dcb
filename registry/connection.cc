#include "registry/connection.h"

namespace vitrina::registry {

CachedStatement Connection::Prepare(const std::string& sql) {
  auto [it, inserted] = statements_.try_emplace(sql);
  if (inserted) {
    try {
      it->second = std::make_unique<SQLite::Statement>(database_, sql);
    } catch (...) {
      // Keep no empty slot behind: the next call compiles again and reports the same error.
      statements_.erase(it);
      throw;
    }
  }
  return CachedStatement(*it->second);
}

}  // namespace vitrina::registry
