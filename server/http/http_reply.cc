#include "server/http/http_reply.h"

#include "fmt/format.h"
#include "server/http/json_codec.h"

namespace vitrina::server::http {

HttpReply JsonReply(std::string body) {
  HttpReply reply;
  reply.body = std::move(body);
  return reply;
}

absl::StatusOr<HttpReply> MessageReply(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = MessageToJson(message);
  if (!json.ok()) return json.status();
  return JsonReply(*std::move(json));
}

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;  // nginx's "client closed request", as grpc-gateway maps it
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kDataLoss:
    default:
      return 500;
  }
}

HttpReply ErrorReply(const absl::Status& status) {
  HttpReply reply;
  reply.code = status.code();
  reply.http_status = HttpStatusFor(status.code());
  reply.body = fmt::format(R"({{"code":{},"message":{}}})", QuoteJson(absl::StatusCodeToString(status.code())),
                           QuoteJson(std::string(status.message())));
  if (status.code() == absl::StatusCode::kUnauthenticated) reply.headers.emplace_back("WWW-Authenticate", "Bearer");
  return reply;
}

}  // namespace vitrina::server::http
