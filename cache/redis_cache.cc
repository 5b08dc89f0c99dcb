#include "cache/redis_cache.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "fmt/format.h"
#include "spdlog/spdlog.h"

namespace vitrina::cache {
namespace {

constexpr std::chrono::seconds kWarningInterval{5};
// Keys per SCAN step of InvalidateAll: large enough to need few round trips, small enough that
// Redis never stalls on one step.
constexpr std::string_view kScanBatch = "1000";
constexpr std::size_t kMaxPoolSize = 1024;

// KEYS[1] is the user's index. Atomic, so an answer Put while it runs is either dropped with the
// index or listed in a new one; UNLINK frees the memory off Redis's main thread. unpack() is
// bounded by Lua's stack, hence the slices.
constexpr std::string_view kInvalidateUserScript = R"lua(
local keys = redis.call('SMEMBERS', KEYS[1])
for i = 1, #keys, 1000 do
  redis.call('UNLINK', unpack(keys, i, math.min(i + 999, #keys)))
end
redis.call('UNLINK', KEYS[1])
return #keys
)lua";

bool IsValidKeyPrefix(std::string_view prefix) {
  return !prefix.empty() && std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

absl::Status ValidateOptions(const RedisCacheOptions& options) {
  const auto invalid = [](std::string message) {
    return absl::InvalidArgumentError("redis cache: " + std::move(message));
  };
  if (options.endpoint.host.empty()) return invalid("the host is empty");
  if (options.endpoint.port < 1 || options.endpoint.port > 65535) {
    return invalid(fmt::format("port {} is not in 1..65535", options.endpoint.port));
  }
  if (options.endpoint.db < 0) {
    return invalid(fmt::format("database {} is negative", options.endpoint.db));
  }
  if (!IsValidKeyPrefix(options.key_prefix)) {
    return invalid(fmt::format("key prefix '{}' must be non-empty letters, digits, '_', '-', '.'",
                               options.key_prefix));
  }
  if (options.ttl.count() <= 0) {
    return invalid(fmt::format("ttl {} s is not positive", options.ttl.count()));
  }
  if (options.pool_size < 1 || options.pool_size > kMaxPoolSize) {
    return invalid(fmt::format("pool size {} is not in 1..{}", options.pool_size, kMaxPoolSize));
  }
  if (options.timeouts.connect.count() <= 0 || options.timeouts.command.count() <= 0) {
    return invalid(fmt::format("timeouts must be positive, got connect {} ms, command {} ms",
                               options.timeouts.connect.count(), options.timeouts.command.count()));
  }
  if (options.retry_after.count() <= 0) {
    return invalid(fmt::format("retry_after {} ms is not positive", options.retry_after.count()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisCache>> RedisCache::Create(RedisCacheOptions options) {
  if (absl::Status status = ValidateOptions(options); !status.ok()) return status;
  return std::unique_ptr<RedisCache>(new RedisCache(std::move(options)));
}

RedisCache::RedisCache(RedisCacheOptions options)
    : options_(std::move(options)),
      ttl_seconds_(std::to_string(options_.ttl.count())),
      pool_(options_.endpoint, options_.timeouts, options_.pool_size),
      breaker_(options_.retry_after),
      warning_("redis cache", kWarningInterval) {
  spdlog::info(
      "redis cache: {}:{} db {}, key prefix '{}', ttl {} s, {} connections, timeouts connect {} ms "
      "command {} ms",
      options_.endpoint.host, options_.endpoint.port, options_.endpoint.db, options_.key_prefix,
      options_.ttl.count(), options_.pool_size, options_.timeouts.connect.count(),
      options_.timeouts.command.count());
}

std::optional<std::string> RedisCache::Get(const CacheKey& key) {
  const std::string entry_key = EntryKey(key);
  const RedisCommand get[] = {{"GET", entry_key}};
  auto replies = RoundTrip(get);
  if (!replies.ok()) {
    counters_.CountError();
    return std::nullopt;
  }
  const redisReply& reply = *replies->front();
  if (reply.type == REDIS_REPLY_NIL) {
    counters_.CountMiss();
    return std::nullopt;
  }
  if (reply.type != REDIS_REPLY_STRING) {
    UnexpectedReply("GET", reply);
    return std::nullopt;
  }
  counters_.CountHit();
  return std::string(ReplyText(reply));
}

void RedisCache::Put(const CacheKey& key, std::string_view payload) {
  const std::string entry_key = EntryKey(key);
  std::vector<RedisCommand> commands = {{"SET", entry_key, payload, "EX", ttl_seconds_}};
  std::string index_key;
  if (IsUserAnswer(key)) {
    index_key = UserIndexKey(key.subject_id);
    commands.push_back({"SADD", index_key, entry_key});
    commands.push_back({"EXPIRE", index_key, ttl_seconds_});
  }
  if (!RoundTrip(commands).ok()) counters_.CountError();
}

void RedisCache::InvalidateUser(int64_t user_id) {
  const std::string index_key = UserIndexKey(user_id);
  const RedisCommand eval[] = {{"EVAL", kInvalidateUserScript, "1", index_key}};
  if (!RoundTrip(eval).ok()) counters_.CountError();
}

void RedisCache::InvalidateAll() {
  const std::string pattern = options_.key_prefix + ":*";
  std::string cursor = "0";
  do {
    const RedisCommand scan[] = {{"SCAN", cursor, "MATCH", pattern, "COUNT", kScanBatch}};
    auto replies = RoundTrip(scan);
    if (!replies.ok()) {
      counters_.CountError();
      return;
    }
    // SCAN answers [next cursor, [keys...]].
    const redisReply& reply = *replies->front();
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 2 ||
        reply.element[0]->type != REDIS_REPLY_STRING ||
        reply.element[1]->type != REDIS_REPLY_ARRAY) {
      UnexpectedReply("SCAN", reply);
      return;
    }
    cursor = std::string(ReplyText(*reply.element[0]));
    const redisReply& keys = *reply.element[1];
    if (keys.elements == 0) continue;
    RedisCommand unlink = {"UNLINK"};
    for (std::size_t i = 0; i < keys.elements; ++i) unlink.push_back(ReplyText(*keys.element[i]));
    const RedisCommand unlinks[] = {std::move(unlink)};
    if (!RoundTrip(unlinks).ok()) {
      counters_.CountError();
      return;
    }
  } while (cursor != "0");
}

CacheStats RedisCache::Stats() const {
  CacheStats stats = counters_.Snapshot();
  stats.reconnects = pool_.reconnects();
  return stats;
}

absl::StatusOr<std::vector<RedisReply>> RedisCache::RoundTrip(
    std::span<const RedisCommand> commands) {
  if (!breaker_.AllowRequest()) {
    return absl::UnavailableError("redis cache: skipped, Redis failed moments ago");
  }
  auto lease = pool_.Acquire();
  if (!lease.ok()) {
    // A busy pool says nothing about Redis's health; a failed connect does.
    if (!absl::IsDeadlineExceeded(lease.status())) {
      breaker_.RecordFailure();
      pool_.DropAll();
    }
    warning_.Report(std::string(lease.status().message()));
    return lease.status();
  }
  auto replies = (*lease)->Pipeline(commands);
  if (!replies.ok()) {
    // An error reply leaves the connection usable and Redis healthy; a broken connection does not.
    if ((*lease)->broken()) {
      breaker_.RecordFailure();
      pool_.DropAll();
    }
    warning_.Report(std::string(replies.status().message()));
    return replies.status();
  }
  if (breaker_.RecordSuccess()) {
    spdlog::info("redis cache {}:{}: Redis answers again", options_.endpoint.host,
                 options_.endpoint.port);
  }
  return replies;
}

void RedisCache::UnexpectedReply(std::string_view command, const redisReply& reply) {
  counters_.CountError();
  warning_.Report(fmt::format("{} answered an unexpected reply of type {}", command, reply.type));
}

std::string RedisCache::EntryKey(const CacheKey& key) const {
  return fmt::format("{}:{}", options_.key_prefix, FormatCacheKey(key));
}

std::string RedisCache::UserIndexKey(int64_t user_id) const {
  return fmt::format("{}:rec-index:u{}", options_.key_prefix, user_id);
}

}  // namespace vitrina::cache
