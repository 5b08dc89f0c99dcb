#include "simulation/loopback_target.h"

#include <gtest/gtest.h>

#include <string>

namespace vitrina::simulation {
namespace {

TEST(LoopbackTargetTest, AcceptsLoopbackHosts) {
  absl::StatusOr<LoopbackTarget> target = ParseLoopbackTarget("127.0.0.1:8080");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->host, "127.0.0.1");
  EXPECT_EQ(target->port, 8080);
  EXPECT_TRUE(ParseLoopbackTarget("127.255.3.4:1").ok());
  EXPECT_TRUE(ParseLoopbackTarget("localhost:65535").ok());
  target = ParseLoopbackTarget("[::1]:9000");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->host, "::1");
  EXPECT_EQ(target->ToString(), "[::1]:9000");
}

TEST(LoopbackTargetTest, RefusesEverythingElse) {
  for (const char* text : {"10.0.0.1:80", "128.0.0.1:80", "0.0.0.0:80", "example.com:80",
                           "[::]:80", "[::2]:80", "::1:80", "localhost.evil.com:80",
                           "127.0.0.1.evil.com:80", "127.1:80", "192.168.1.1:8080"}) {
    absl::StatusOr<LoopbackTarget> target = ParseLoopbackTarget(text);
    ASSERT_FALSE(target.ok()) << text;
    EXPECT_NE(std::string(target.status().message()).find("only loopback"), std::string::npos)
        << target.status().message();
  }
  for (const char* text : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
                           "127.0.0.1:80x", "localhost:-1"}) {
    absl::StatusOr<LoopbackTarget> target = ParseLoopbackTarget(text);
    ASSERT_FALSE(target.ok()) << text;
    EXPECT_NE(std::string(target.status().message()).find("--http"), std::string::npos);
  }
}

}  // namespace
}  // namespace vitrina::simulation
