#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "yaml-cpp/yaml.h"

namespace vitrina::cache {

enum class CacheBackend {
  kRedis,   // shared by every server of a fleet
  kMemory,  // in-process; the default when no Redis is configured
  kNone,    // caching off
};

// The `cache:` section of the server configuration.
struct CacheConfig {
  CacheBackend backend = CacheBackend::kMemory;
  std::chrono::seconds ttl{3600};
  // Redis only.
  std::string url{};  // redis://[:password@]host[:port][/db]
  std::string key_prefix = "vitrina";
  std::size_t pool_size = 4;
  std::chrono::milliseconds connect_timeout{50};
  std::chrono::milliseconds command_timeout{20};
  std::chrono::milliseconds retry_after{1000};
  // Memory only.
  std::size_t max_entries = 100'000;

  // Reads the section's keys: backend (redis|memory|none), ttl_seconds, url, key_prefix,
  // pool_size, connect_timeout_ms, command_timeout_ms, retry_after_ms, max_entries. Absent keys
  // keep their defaults; an absent or empty section gives all defaults. InvalidArgument names the
  // faulty key; an unknown key is an error too, since a misspelt key would silently keep its
  // default. Semantic checks (URL syntax, key prefix characters) are MakeResultCache's.
  static absl::StatusOr<CacheConfig> FromYaml(const YAML::Node& section);
};

}  // namespace vitrina::cache
