// One body limit for every JSON route, whatever the Content-Type says (curl -d sends
// application/x-www-form-urlencoded, which httplib would otherwise cap at 8 KB).
#include <algorithm>
#include <string>
#include <vector>

#include "fmt/format.h"
#include "tests/server/http/gateway_fixture.h"
#include "tests/server/http/raw_http.h"

namespace vitrina::server::http {
namespace {

using ::testing::_;
using ::testing::HasSubstr;
using ::testing::Return;

constexpr size_t kLimit = HttpGatewayOptions().max_body_bytes;

// {"titleIds":[1,2,...]} with `ids` ids, padded with JSON whitespace to `size` bytes if given.
std::string BlacklistBody(int ids, size_t size = 0) {
  std::string body = R"({"titleIds":[)";
  for (int id = 1; id <= ids; ++id) body += fmt::format("{}{}", id == 1 ? "" : ",", id);
  body += "]}";
  if (body.size() < size) body.append(size - body.size(), ' ');
  return body;
}

// The header lines (if any) of each way a client may label a JSON body.
const std::vector<std::string> kContentTypes = {
    "",  // none at all
    "Content-Type: application/x-www-form-urlencoded\r\n",
    "Content-Type: application/json\r\n",
    "Content-Type: text/plain\r\n",
};

class BodyLimitTest : public GatewayTest {
 protected:
  static std::string Authorization() { return fmt::format("Authorization: Bearer {}\r\n", kToken); }

  // Sends `body` chunked (no Content-Length), in pieces of 16 KB.
  httplib::Result PostChunked(const std::string& path, const std::string& body) {
    size_t sent = 0;
    return client_->Post(
        path, AdminHeaders(),
        [&body, sent](size_t, httplib::DataSink& sink) mutable {
          const size_t piece = std::min<size_t>(16 * 1024, body.size() - sent);
          if (piece == 0) {
            sink.done();
          } else {
            sink.write(body.data() + sent, piece);
            sent += piece;
          }
          return true;
        },
        "application/json");
  }
};

TEST_F(BodyLimitTest, A64KilobyteJsonBodyIsTakenWhateverItsContentType) {
  const std::string body = BlacklistBody(13'000);
  ASSERT_GT(body.size(), 64u * 1024);
  EXPECT_CALL(admin_, AddToBlacklist(_)).Times(kContentTypes.size()).WillRepeatedly([](const v1::BlacklistRequest& r) {
    EXPECT_EQ(r.title_ids_size(), 13'000);
    v1::BlacklistResponse response;
    response.set_changed(r.title_ids_size());
    return response;
  });
  for (const std::string& content_type : kContentTypes) {
    RawResponse response =
        RawExchange(gateway_->port(), RawPost("/admin/blacklist", Authorization() + content_type, body));
    EXPECT_EQ(response.status, 200) << content_type << response.body;
    EXPECT_EQ(response.body, R"({"changed":13000})") << content_type;
  }
}

TEST_F(BodyLimitTest, TheLimitIsTheSameForEveryContentType) {
  const std::string at_limit = BlacklistBody(3, kLimit);
  const std::string over_limit = BlacklistBody(3, kLimit + 1);
  ASSERT_EQ(at_limit.size(), kLimit);
  EXPECT_CALL(admin_, AddToBlacklist(_)).Times(kContentTypes.size()).WillRepeatedly(Return(v1::BlacklistResponse()));
  for (const std::string& content_type : kContentTypes) {
    RawResponse taken =
        RawExchange(gateway_->port(), RawPost("/admin/blacklist", Authorization() + content_type, at_limit));
    EXPECT_EQ(taken.status, 200) << content_type << taken.body;

    RawResponse refused =
        RawExchange(gateway_->port(), RawPost("/admin/blacklist", Authorization() + content_type, over_limit));
    EXPECT_EQ(refused.status, 413) << content_type << refused.body;
    ErrorBody error = ParseErrorBody(refused.body);
    EXPECT_EQ(error.code, "RESOURCE_EXHAUSTED") << content_type;
    EXPECT_THAT(error.message, HasSubstr(fmt::format("exceeds {} bytes", kLimit))) << content_type;
  }
}

TEST_F(BodyLimitTest, AChunkedBodyOverTheLimitIsRefusedWhileReading) {
  // httplib bounds Content-Length only; a chunked body would otherwise grow without end.
  EXPECT_CALL(admin_, AddToBlacklist(_)).Times(0);
  auto result = PostChunked("/admin/blacklist", BlacklistBody(3, kLimit + 16 * 1024));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 413) << result->body;
  EXPECT_EQ(ParseErrorBody(result->body).code, "RESOURCE_EXHAUSTED");
  EXPECT_EQ(result->get_header_value("Connection"), "close") << "the rest of the body is left unread";
}

TEST_F(BodyLimitTest, AChunkedBodyUnderTheLimitIsTaken) {
  EXPECT_CALL(admin_, AddToBlacklist(_)).WillOnce([](const v1::BlacklistRequest& request) {
    EXPECT_EQ(request.title_ids_size(), 3);
    return v1::BlacklistResponse();
  });
  auto result = PostChunked("/admin/blacklist", BlacklistBody(3, 100'000));
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 200) << result->body;
}

TEST_F(BodyLimitTest, TheConnectionServesTheNextRequestAfterARefusedLength) {
  auto refused = client_->Post("/admin/blacklist", AdminHeaders(), BlacklistBody(3, kLimit + 10), "application/json");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
  auto next = client_->Get("/health");
  ASSERT_TRUE(next) << httplib::to_string(next.error());
  EXPECT_EQ(next->status, 200);
}

TEST_F(BodyLimitTest, AMultipartBodyIsUnsupportedMediaType) {
  EXPECT_CALL(admin_, AddToBlacklist(_)).Times(0);
  httplib::MultipartFormDataItems items = {{"titleIds", "[1]", "", ""}};
  auto result = client_->Post("/admin/blacklist", AdminHeaders(), items);
  ASSERT_TRUE(result) << httplib::to_string(result.error());
  EXPECT_EQ(result->status, 415) << result->body;
  EXPECT_THAT(ParseErrorBody(result->body).message, HasSubstr("multipart/form-data"));
}

}  // namespace
}  // namespace vitrina::server::http
