#include "cache/redis_endpoint.h"

#include <string>

#include "gtest/gtest.h"

namespace vitrina::cache {
namespace {

TEST(ParseRedisUrlTest, ReadsEveryPart) {
  auto endpoint = ParseRedisUrl("redis://:p@ss:w/rd@cache.internal:6380/2");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->host, "cache.internal");
  EXPECT_EQ(endpoint->port, 6380);
  EXPECT_EQ(endpoint->password, "p@ss:w/rd");
  EXPECT_EQ(endpoint->db, 2);
}

TEST(ParseRedisUrlTest, DefaultsToPort6379DatabaseZeroAndNoPassword) {
  for (const char* url : {"redis://127.0.0.1", "redis://127.0.0.1/", "redis://127.0.0.1:6379/0"}) {
    auto endpoint = ParseRedisUrl(url);
    ASSERT_TRUE(endpoint.ok()) << url << ": " << endpoint.status();
    EXPECT_EQ(endpoint->host, "127.0.0.1") << url;
    EXPECT_EQ(endpoint->port, 6379) << url;
    EXPECT_EQ(endpoint->db, 0) << url;
    EXPECT_EQ(endpoint->password, "") << url;
  }
}

TEST(ParseRedisUrlTest, ReadsABracketedIpv6Host) {
  auto endpoint = ParseRedisUrl("redis://[::1]:7000/1");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 7000);
  EXPECT_EQ(endpoint->db, 1);
}

TEST(ParseRedisUrlTest, RejectsMalformedUrlsNamingTheFaultyPart) {
  const struct {
    const char* url;
    const char* named_part;
  } cases[] = {
      {"", "scheme"},
      {"http://127.0.0.1:6379", "scheme"},
      {"127.0.0.1:6379", "scheme"},
      {"redis://", "host"},
      {"redis://:6379", "host"},
      {"redis://127.0.0.1:", "port"},
      {"redis://127.0.0.1:http", "port"},
      {"redis://127.0.0.1:0", "port"},
      {"redis://127.0.0.1:65536", "port"},
      {"redis://127.0.0.1:6379x", "port"},
      {"redis://::1:6379", "host"},
      {"redis://[::1:6379", "IPv6"},
      {"redis://[::1]x", "IPv6"},
      {"redis://127.0.0.1/-1", "database"},
      {"redis://127.0.0.1/db", "database"},
      {"redis://127.0.0.1/0?timeout=1", "database"},
      {"redis://user:pw@127.0.0.1", "credentials"},
      {"redis://:@127.0.0.1", "password"},
  };
  for (const auto& c : cases) {
    auto endpoint = ParseRedisUrl(c.url);
    ASSERT_FALSE(endpoint.ok()) << c.url;
    EXPECT_EQ(endpoint.status().code(), absl::StatusCode::kInvalidArgument) << c.url;
    EXPECT_NE(std::string(endpoint.status().message()).find(c.named_part), std::string::npos)
        << c.url << " -> " << endpoint.status();
  }
}

TEST(ParseRedisUrlTest, NeverRepeatsThePasswordInAnError) {
  auto endpoint = ParseRedisUrl("redis://:hunter2@127.0.0.1:port");
  ASSERT_FALSE(endpoint.ok());
  EXPECT_EQ(std::string(endpoint.status().message()).find("hunter2"), std::string::npos)
      << endpoint.status();
}

}  // namespace
}  // namespace vitrina::cache
