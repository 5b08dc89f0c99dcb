#include "cache/cache_config.h"

#include <cstdint>
#include <string_view>

#include "common/status_macros.h"
#include "fmt/format.h"

namespace vitrina::cache {
namespace {

constexpr std::string_view kKnownKeys =
    "backend, ttl_seconds, url, key_prefix, pool_size, connect_timeout_ms, command_timeout_ms, "
    "retry_after_ms, max_entries";

absl::Status KeyError(std::string_view key, std::string_view problem) {
  return absl::InvalidArgumentError(fmt::format("cache config key '{}': {}", key, problem));
}

absl::StatusOr<std::string> ReadString(const YAML::Node& value, std::string_view key) {
  if (!value.IsScalar()) return KeyError(key, "must be a string");
  return value.Scalar();
}

absl::StatusOr<int64_t> ReadInteger(const YAML::Node& value, std::string_view key, int64_t min,
                                    int64_t max) {
  int64_t number = 0;
  if (!value.IsScalar() || !YAML::convert<int64_t>::decode(value, number) || number < min ||
      number > max) {
    return KeyError(key, fmt::format("must be an integer in {}..{}, got '{}'", min, max,
                                     value.IsScalar() ? value.Scalar() : "a non-scalar"));
  }
  return number;
}

absl::StatusOr<CacheBackend> ReadBackend(const YAML::Node& value) {
  ASSIGN_OR_RETURN(const std::string name, ReadString(value, "backend"));
  if (name == "redis") return CacheBackend::kRedis;
  if (name == "memory") return CacheBackend::kMemory;
  if (name == "none") return CacheBackend::kNone;
  return KeyError("backend", fmt::format("must be redis, memory or none, got '{}'", name));
}

absl::Status ReadEntry(std::string_view key, const YAML::Node& value, CacheConfig& config) {
  constexpr int64_t kMaxTimeoutMs = 60'000;
  if (key == "backend") {
    ASSIGN_OR_RETURN(config.backend, ReadBackend(value));
  } else if (key == "ttl_seconds") {
    ASSIGN_OR_RETURN(const int64_t seconds, ReadInteger(value, key, 1, 30LL * 24 * 3600));
    config.ttl = std::chrono::seconds(seconds);
  } else if (key == "url") {
    ASSIGN_OR_RETURN(config.url, ReadString(value, key));
  } else if (key == "key_prefix") {
    ASSIGN_OR_RETURN(config.key_prefix, ReadString(value, key));
  } else if (key == "pool_size") {
    ASSIGN_OR_RETURN(const int64_t size, ReadInteger(value, key, 1, 1024));
    config.pool_size = static_cast<std::size_t>(size);
  } else if (key == "connect_timeout_ms") {
    ASSIGN_OR_RETURN(const int64_t ms, ReadInteger(value, key, 1, kMaxTimeoutMs));
    config.connect_timeout = std::chrono::milliseconds(ms);
  } else if (key == "command_timeout_ms") {
    ASSIGN_OR_RETURN(const int64_t ms, ReadInteger(value, key, 1, kMaxTimeoutMs));
    config.command_timeout = std::chrono::milliseconds(ms);
  } else if (key == "retry_after_ms") {
    ASSIGN_OR_RETURN(const int64_t ms, ReadInteger(value, key, 1, kMaxTimeoutMs));
    config.retry_after = std::chrono::milliseconds(ms);
  } else if (key == "max_entries") {
    ASSIGN_OR_RETURN(const int64_t entries, ReadInteger(value, key, 1, 100'000'000));
    config.max_entries = static_cast<std::size_t>(entries);
  } else {
    return KeyError(key, fmt::format("unknown key (known: {})", kKnownKeys));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CacheConfig> CacheConfig::FromYaml(const YAML::Node& section) {
  CacheConfig config;
  if (!section.IsDefined() || section.IsNull()) return config;
  if (!section.IsMap()) {
    return absl::InvalidArgumentError("cache config: the section must be a map of keys");
  }
  for (const auto& entry : section) {
    if (!entry.first.IsScalar()) {
      return absl::InvalidArgumentError("cache config: every key must be a plain string");
    }
    RETURN_IF_ERROR(ReadEntry(entry.first.Scalar(), entry.second, config));
  }
  if (config.backend == CacheBackend::kRedis && config.url.empty()) {
    return KeyError("url", "is required when backend is redis");
  }
  return config;
}

}  // namespace vitrina::cache
