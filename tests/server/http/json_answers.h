#pragma once

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>

namespace vitrina::server::http {

// Parses a JSON answer into a message (strictly: unknown fields fail); fails the test when it
// does not parse.
template <class Message>
Message ParseAnswer(const std::string& body) {
  Message message;
  auto status = google::protobuf::util::JsonStringToMessage(body, &message);
  EXPECT_TRUE(status.ok()) << status.message().ToString() << " in " << body;
  return message;
}

// The "code" and "message" of an error body; fails the test when the body is not exactly that.
struct ErrorBody {
  std::string code;
  std::string message;
};
inline ErrorBody ParseErrorBody(const std::string& body) {
  auto fields = ParseAnswer<google::protobuf::Struct>(body).fields();
  EXPECT_EQ(fields.size(), 2u) << body;
  return ErrorBody{fields["code"].string_value(), fields["message"].string_value()};
}

}  // namespace vitrina::server::http
