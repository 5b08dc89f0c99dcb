#include "common/echo_for_message.h"

#include <gtest/gtest.h>

namespace vitrina::common {
namespace {

TEST(EchoForMessageTest, ShortInputIsQuotedWhole) {
  EXPECT_EQ(EchoForMessage(""), "");
  EXPECT_EQ(EchoForMessage("teleport"), "teleport");
  EXPECT_EQ(EchoForMessage(std::string(kMaxEchoBytes, 'a')), std::string(kMaxEchoBytes, 'a'));
}

TEST(EchoForMessageTest, LongInputIsCutAndSaysItsSize) {
  EXPECT_EQ(EchoForMessage(std::string(100 * 1024, 'a')), std::string(64, 'a') + "…(102400 bytes)");
  EXPECT_EQ(EchoForMessage("abcdef", 3), "abc…(6 bytes)");
}

TEST(EchoForMessageTest, NeverCutsACharacterInHalf) {
  // "é" is two bytes: a cut after 3 bytes of "aéé" would split the second one.
  EXPECT_EQ(EchoForMessage("a\xC3\xA9\xC3\xA9", 4), "a\xC3\xA9…(5 bytes)");
  EXPECT_EQ(EchoForMessage("\xE2\x82\xAC\xE2\x82\xAC", 2), "…(6 bytes)");
}

}  // namespace
}  // namespace vitrina::common
