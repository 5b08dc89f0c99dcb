#include "simulation/next_title_client.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>

#include "fmt/format.h"
#include "httplib.h"

namespace vitrina::simulation {
namespace {

std::string Excerpt(const std::string& body) {
  constexpr size_t kMax = 200;
  return body.size() <= kMax ? body : body.substr(0, kMax) + "...";
}

using Json = nlohmann::json;

// The reply as a JSON object. nlohmann's JSON keeps what the classic protocol cares about and
// protobuf's mapping hides: whether a number was written as an integer (`3`) or not (`3.0`).
absl::StatusOr<Json> ParseObject(const std::string& body) {
  Json reply = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (reply.is_discarded()) return absl::InvalidArgumentError("not JSON");
  if (!reply.is_object()) return absl::InvalidArgumentError("not a JSON object");
  return reply;
}

// The member written as an integer that fits int64; nullopt when missing or anything else.
std::optional<int64_t> Int64Member(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) return std::nullopt;
  if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{std::numeric_limits<int64_t>::max()}) {
    return std::nullopt;
  }
  return it->get<int64_t>();
}

// The reply's "user" must echo the user asked for, as an integer.
absl::Status CheckUser(const Json& reply, int64_t user) {
  std::optional<int64_t> echoed = Int64Member(reply, "user");
  if (!echoed) return absl::InvalidArgumentError("\"user\" is missing or not an integer");
  if (*echoed != user) return absl::InvalidArgumentError(fmt::format("\"user\" is {}, not {}", *echoed, user));
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
  absl::StatusOr<Json> reply = ParseObject(*body);
  if (!reply.ok()) return bad_reply(std::string(reply.status().message()));
  if (absl::Status user_status = CheckUser(*reply, user); !user_status.ok()) {
    return bad_reply(std::string(user_status.message()));
  }
  std::optional<int64_t> answered = Int64Member(*reply, "track");
  if (!answered) return bad_reply("\"track\" is missing or not an integer");
  NextAnswer answer;
  answer.track = *answered;
  if (auto experiments = reply->find("experiments"); experiments != reply->end()) {
    if (!experiments->is_object()) return bad_reply("\"experiments\" is not an object");
    for (const auto& [name, arm] : experiments->items()) {
      if (!arm.is_string()) return bad_reply(fmt::format("the arm of experiment \"{}\" is not a string", name));
      answer.experiments.emplace(name, arm.get<std::string>());
    }
  }
  return answer;
}

absl::Status NextTitleClient::Last(int64_t user, int64_t track, double consumed) {
  std::string path;
  absl::StatusOr<std::string> body = Post("last", user, track, consumed, path);
  if (!body.ok()) return body.status();
  absl::StatusOr<Json> reply = ParseObject(*body);
  absl::Status status = reply.ok() ? CheckUser(*reply, user) : reply.status();
  if (status.ok()) return status;
  return absl::InvalidArgumentError(
      fmt::format("POST {}: bad reply ({}): {}", path, std::string(status.message()),
                  Excerpt(*body)));
}

}  // namespace vitrina::simulation
