#include "simulation/next_title_client.h"

#include <chrono>

#include "fmt/format.h"
#include "httplib.h"
#include "simulation/json_value.h"

namespace vitrina::simulation {
namespace {

std::string Excerpt(const std::string& body) {
  constexpr size_t kMax = 200;
  return body.size() <= kMax ? body : body.substr(0, kMax) + "...";
}

// The reply's "user" must echo the user asked for, as an integer.
absl::Status CheckUser(const JsonValue& reply, int64_t user) {
  const JsonValue* echoed = reply.Find("user");
  if (echoed == nullptr || echoed->kind != JsonValue::Kind::kInteger) {
    return absl::InvalidArgumentError("\"user\" is missing or not an integer");
  }
  if (echoed->integer != user) {
    return absl::InvalidArgumentError(fmt::format("\"user\" is {}, not {}", echoed->integer, user));
  }
  return absl::OkStatus();
}

}  // namespace

NextTitleClient::NextTitleClient(const LoopbackTarget& target, std::string policy,
                                 double timeout_seconds)
    : client_(std::make_unique<httplib::Client>(target.host, target.port)),
      query_(policy.empty() ? "" : "?policy=" + policy) {
  const auto timeout = std::chrono::duration<double>(timeout_seconds);
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);
  client_->set_connection_timeout(timeout);
  client_->set_read_timeout(timeout);
  client_->set_write_timeout(timeout);
}

NextTitleClient::~NextTitleClient() = default;

absl::StatusOr<std::string> NextTitleClient::Post(std::string_view route, int64_t user,
                                                  int64_t track, double consumed,
                                                  std::string& path) {
  path = fmt::format("/{}/{}{}", route, user, query_);
  // Always a fraction with a point ("1.0000"), as the protocol's float.
  const std::string body = fmt::format(R"({{"track": {}, "time": {:.4f}}})", track, consumed);
  httplib::Result result = client_->Post(path.c_str(), body, "application/json");
  if (!result) {
    return absl::UnavailableError(
        fmt::format("POST {}: {}", path, httplib::to_string(result.error())));
  }
  if (result->status != 200) {
    return absl::InternalError(
        fmt::format("POST {}: HTTP {}: {}", path, result->status, Excerpt(result->body)));
  }
  return std::move(result->body);
}

absl::StatusOr<NextAnswer> NextTitleClient::Next(int64_t user, int64_t track, double consumed) {
  std::string path;
  absl::StatusOr<std::string> body = Post("next", user, track, consumed, path);
  if (!body.ok()) return body.status();
  auto bad_reply = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        fmt::format("POST {}: bad reply ({}): {}", path, why, Excerpt(*body)));
  };
  absl::StatusOr<JsonValue> reply = ParseJsonValue(*body);
  if (!reply.ok()) return bad_reply(std::string(reply.status().message()));
  if (reply->kind != JsonValue::Kind::kObject) return bad_reply("not a JSON object");
  if (absl::Status user_status = CheckUser(*reply, user); !user_status.ok()) {
    return bad_reply(std::string(user_status.message()));
  }
  const JsonValue* answered = reply->Find("track");
  if (answered == nullptr || answered->kind != JsonValue::Kind::kInteger) {
    return bad_reply("\"track\" is missing or not an integer");
  }
  NextAnswer answer;
  answer.track = answered->integer;
  if (const JsonValue* experiments = reply->Find("experiments"); experiments != nullptr) {
    if (experiments->kind != JsonValue::Kind::kObject) {
      return bad_reply("\"experiments\" is not an object");
    }
    for (const auto& [name, arm] : experiments->object) {
      if (arm.kind != JsonValue::Kind::kString) {
        return bad_reply(fmt::format("the arm of experiment \"{}\" is not a string", name));
      }
      answer.experiments.emplace(name, arm.string);
    }
  }
  return answer;
}

absl::Status NextTitleClient::Last(int64_t user, int64_t track, double consumed) {
  std::string path;
  absl::StatusOr<std::string> body = Post("last", user, track, consumed, path);
  if (!body.ok()) return body.status();
  absl::StatusOr<JsonValue> reply = ParseJsonValue(*body);
  absl::Status status = !reply.ok() ? reply.status()
                        : reply->kind != JsonValue::Kind::kObject
                            ? absl::InvalidArgumentError("not a JSON object")
                            : CheckUser(*reply, user);
  if (status.ok()) return status;
  return absl::InvalidArgumentError(
      fmt::format("POST {}: bad reply ({}): {}", path, std::string(status.message()),
                  Excerpt(*body)));
}

}  // namespace vitrina::simulation
