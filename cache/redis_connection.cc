#include "cache/redis_connection.h"

#include <sys/time.h>

#include <string>

#include "fmt/format.h"

namespace vitrina::cache {
namespace {

timeval ToTimeval(std::chrono::milliseconds duration) {
  return timeval{.tv_sec = static_cast<time_t>(duration.count() / 1000),
                 .tv_usec = static_cast<suseconds_t>(duration.count() % 1000 * 1000)};
}

}  // namespace

absl::StatusOr<RedisConnection> RedisConnection::Open(const RedisEndpoint& endpoint,
                                                      const RedisTimeouts& timeouts) {
  redisContext* context =
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, ToTimeval(timeouts.connect));
  if (context == nullptr) {
    return absl::ResourceExhaustedError("redis: cannot allocate a connection context");
  }
  RedisConnection connection(context);
  if (connection.broken()) return connection.TransportError();
  // The connect timeout does not bound commands; hiredis needs its own socket timeout for them.
  if (redisSetTimeout(context, ToTimeval(timeouts.command)) != REDIS_OK ||
      redisEnableKeepAlive(context) != REDIS_OK) {
    return connection.TransportError();
  }
  if (!endpoint.password.empty()) {
    if (auto reply = connection.Run({"AUTH", endpoint.password}); !reply.ok()) {
      return absl::UnavailableError(fmt::format("redis {}:{}: AUTH failed: {}", endpoint.host,
                                                endpoint.port,
                                                std::string(reply.status().message())));
    }
  }
  if (endpoint.db != 0) {
    const std::string db = std::to_string(endpoint.db);
    if (auto reply = connection.Run({"SELECT", db}); !reply.ok()) {
      return absl::UnavailableError(fmt::format("redis {}:{}: SELECT {} failed: {}",
                                                endpoint.host, endpoint.port, endpoint.db,
                                                std::string(reply.status().message())));
    }
  }
  return connection;
}

absl::StatusOr<std::vector<RedisReply>> RedisConnection::Pipeline(
    std::span<const RedisCommand> commands) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const RedisCommand& command : commands) {
    argv.clear();
    lengths.clear();
    for (const std::string_view argument : command) {
      argv.push_back(argument.data());
      lengths.push_back(argument.size());
    }
    if (redisAppendCommandArgv(context_.get(), static_cast<int>(argv.size()), argv.data(),
                               lengths.data()) != REDIS_OK) {
      return TransportError();
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  std::string first_error;
  for (const RedisCommand& command : commands) {
    void* raw_reply = nullptr;
    if (redisGetReply(context_.get(), &raw_reply) != REDIS_OK) return TransportError();
    RedisReply reply(static_cast<redisReply*>(raw_reply));
    if (reply->type == REDIS_REPLY_ERROR && first_error.empty()) {
      first_error = fmt::format("redis {}: {}", command.front(), ReplyText(*reply));
    }
    replies.push_back(std::move(reply));
  }
  if (!first_error.empty()) return absl::InternalError(first_error);
  return replies;
}

absl::StatusOr<RedisReply> RedisConnection::Run(const RedisCommand& command) {
  auto replies = Pipeline(std::span(&command, 1));
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::Status RedisConnection::TransportError() const {
  const char* host = context_->tcp.host != nullptr ? context_->tcp.host : "?";
  return absl::UnavailableError(
      fmt::format("redis {}:{}: {}", host, context_->tcp.port, context_->errstr));
}

}  // namespace vitrina::cache
