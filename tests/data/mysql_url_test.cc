#include "data/mysql_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vitrina::data {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MysqlUrlTest, ParsesEveryPart) {
  absl::StatusOr<MysqlEndpoint> endpoint =
      ParseMysqlUrl("mysql://reader:s3cret@127.0.0.1:3307/catalog");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->user, "reader");
  EXPECT_EQ(endpoint->password, "s3cret");
  EXPECT_EQ(endpoint->host, "127.0.0.1");
  EXPECT_EQ(endpoint->port, 3307);
  EXPECT_EQ(endpoint->database, "catalog");
  EXPECT_EQ(endpoint->Redacted(), "mysql://reader@127.0.0.1:3307/catalog");
}

TEST(MysqlUrlTest, DefaultsThePortAndDecodesPercentEscapes) {
  absl::StatusOr<MysqlEndpoint> endpoint = ParseMysqlUrl("mysql://me:p%40ss%3Aw@db.local/vitrina");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->password, "p@ss:w");
  EXPECT_EQ(endpoint->port, 3306);
  EXPECT_EQ(endpoint->host, "db.local");
}

TEST(MysqlUrlTest, AcceptsAnEmptyPassword) {
  absl::StatusOr<MysqlEndpoint> endpoint = ParseMysqlUrl("mysql://root@127.0.0.1:3306/vitrina");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->password, "");
}

TEST(MysqlUrlTest, RejectsMalformedUrlsWithoutEchoingThePassword) {
  for (const char* url :
       {"postgres://u:topsecret@h/db", "mysql://h:3306/db", "mysql://u:topsecret@h:99999/db",
        "mysql://u:topsecret@h:33a/db", "mysql://u:topsecret@h:3306", "mysql://u:topsecret@:1/db",
        "mysql://u:top%zzsecret@h/db"}) {
    absl::StatusOr<MysqlEndpoint> endpoint = ParseMysqlUrl(url);
    EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(std::string(endpoint.status().message()), Not(HasSubstr("topsecret"))) << url;
  }
}

}  // namespace
}  // namespace vitrina::data
