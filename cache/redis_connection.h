#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "cache/redis_endpoint.h"

namespace vitrina::cache {

struct RedisTimeouts {
  std::chrono::milliseconds connect{50};
  // Bounds each socket read and write of a command.
  std::chrono::milliseconds command{20};
};

// One command as its arguments, sent binary-safe (payloads may hold any byte).
using RedisCommand = std::vector<std::string_view>;

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// A string, status or error reply's text (binary-safe: Redis strings may hold NULs).
inline std::string_view ReplyText(const redisReply& reply) { return {reply.str, reply.len}; }

// One blocking hiredis connection, logged in and on its database. Not thread-safe. After a
// transport error or timeout hiredis leaves the context broken for good (see broken()): open a new
// connection instead.
class RedisConnection {
 public:
  // Connects, sets the command timeout and TCP keepalive, then AUTH and SELECT as the endpoint
  // asks. Unavailable when the server cannot be reached or refuses the login.
  static absl::StatusOr<RedisConnection> Open(const RedisEndpoint& endpoint,
                                              const RedisTimeouts& timeouts);

  // Sends the commands in one write and reads one reply per command (a single round trip).
  // Unavailable on a transport error or timeout (the connection is then broken); Internal when
  // Redis answers any command with an error (all replies are read, the connection stays usable).
  absl::StatusOr<std::vector<RedisReply>> Pipeline(std::span<const RedisCommand> commands);
  absl::StatusOr<RedisReply> Run(const RedisCommand& command);

  bool broken() const { return context_->err != 0; }

 private:
  struct ContextDeleter {
    void operator()(redisContext* context) const { redisFree(context); }
  };

  explicit RedisConnection(redisContext* context) : context_(context) {}

  absl::Status TransportError() const;

  std::unique_ptr<redisContext, ContextDeleter> context_;
};

}  // namespace vitrina::cache
