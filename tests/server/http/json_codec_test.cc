#include "server/http/json_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "vitrina/v1/admin.pb.h"

namespace vitrina::server::http {
namespace {

using ::testing::HasSubstr;

TEST(JsonCodecTest, PrintsCamelCaseAndZeros) {
  v1::Job job;
  job.set_id(5);
  job.set_model_id(0);
  std::string json = MessageToJson(job).value();
  EXPECT_THAT(json, HasSubstr(R"("id":"5")"));
  EXPECT_THAT(json, HasSubstr(R"("modelId":"0")"));
  EXPECT_THAT(json, HasSubstr(R"("status":"JOB_STATUS_UNSPECIFIED")"));
  EXPECT_THAT(json, HasSubstr(R"("activated":false)"));
}

TEST(JsonCodecTest, ParsesBothNamingsAndRejectsUnknownFields) {
  v1::BlacklistRequest camel;
  ASSERT_TRUE(ParseJson(R"({"titleIds":["1",2],"userId":3})", camel).ok());
  v1::BlacklistRequest proto_names;
  ASSERT_TRUE(ParseJson(R"({"title_ids":[1,2],"user_id":"3"})", proto_names).ok());
  EXPECT_EQ(camel.SerializeAsString(), proto_names.SerializeAsString());
  EXPECT_EQ(camel.user_id(), 3);

  v1::BlacklistRequest unknown;
  absl::Status status = ParseJson(R"({"titles":[1]})", unknown);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("vitrina.v1.BlacklistRequest"));
}

TEST(JsonCodecTest, QuotesEscapesAndKeepsValidUtf8) {
  EXPECT_EQ(QuoteJson("plain"), R"("plain")");
  EXPECT_EQ(QuoteJson("a\"b\\c\nd\te\x01"), R"("a\"b\\c\nd\te\u0001")");
  EXPECT_EQ(QuoteJson("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xAC"), "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xAC\"");
}

TEST(JsonCodecTest, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(QuoteJson("\xFF"), R"("\ufffd")");
  EXPECT_EQ(QuoteJson("\xC3"), R"("\ufffd")");                                // truncated sequence
  EXPECT_EQ(QuoteJson("\xC0\xAF"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(QuoteJson("\xED\xA0\x80"), R"("\ufffd\ufffd\ufffd")");            // UTF-16 surrogate
  EXPECT_EQ(QuoteJson("\xF4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  EXPECT_EQ(QuoteJson("a\xE2\x82z"), R"("a\ufffd\ufffdz")");
}

}  // namespace
}  // namespace vitrina::server::http
