// HEAD on the GET routes: the GET answer's status and headers, no body (RFC 9110 9.3.2).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "tests/server/http/gateway_fixture.h"

namespace vitrina::server::http {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;
using ::testing::StartsWith;

using HeadRequestsTest = GatewayTest;

// What the server writes for one raw request on a fresh connection, up to its close: httplib's
// client never reads a HEAD answer's body, so only the bytes on the wire show that none is sent.
std::string RawExchange(int port, const std::string& request) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    ssize_t n = 0;
    while ((n = recv(fd, buffer, sizeof(buffer), 0)) > 0) answer.append(buffer, static_cast<size_t>(n));
  } else {
    ADD_FAILURE() << "cannot talk to 127.0.0.1:" << port;
  }
  close(fd);
  return answer;
}

std::string Head(int port, const std::string& path, const std::string& extra_headers = "") {
  return RawExchange(port, "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                               "Connection: close\r\n\r\n");
}

// Everything after the blank line that ends the headers.
std::string BodyOf(const std::string& answer) {
  size_t end = answer.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos) << answer;
  return end == std::string::npos ? answer : answer.substr(end + 4);
}

TEST_F(HeadRequestsTest, HealthAndMetricsAnswerHeadWithoutABody) {
  for (std::string path : {"/health", "/metrics"}) {
    const std::string answer = Head(gateway_->port(), path);
    EXPECT_THAT(answer, StartsWith("HTTP/1.1 200 ")) << path << ":\n" << answer;
    EXPECT_EQ(BodyOf(answer), "") << path;
  }
  serving_ = false;
  const std::string not_serving = Head(gateway_->port(), "/health");
  EXPECT_THAT(not_serving, StartsWith("HTTP/1.1 503 ")) << not_serving;
  EXPECT_EQ(BodyOf(not_serving), "");
}

TEST_F(HeadRequestsTest, HeadOnAnApiGetRouteRunsItAndChecksTheToken) {
  EXPECT_CALL(recommender_, GetUserRecommendations(_)).WillOnce(Return(v1::RecommendationsResponse()));
  const std::string answer = Head(gateway_->port(), "/titles/recommendations?user_id=1");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 200 ")) << answer;
  EXPECT_EQ(BodyOf(answer), "");

  const std::string anonymous = Head(gateway_->port(), "/admin/models");
  EXPECT_THAT(anonymous, StartsWith("HTTP/1.1 401 ")) << anonymous;
  EXPECT_EQ(BodyOf(anonymous), "");
}

TEST_F(HeadRequestsTest, HeadOnAPathWithoutAGetRouteIsMethodNotAllowed) {
  const std::string answer = Head(gateway_->port(), "/admin/schedule", "Authorization: Bearer s3cret\r\n");
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 405 ")) << answer;
  EXPECT_THAT(answer, HasSubstr("Allow: POST\r\n"));
  EXPECT_EQ(BodyOf(answer), "");
}

}  // namespace
}  // namespace vitrina::server::http
